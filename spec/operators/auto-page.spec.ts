import { expect } from 'chai';
import { take, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { autoPage, type PageLike } from '../../lib/operators/auto-page';

const newScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });

/** Page n of `total` items, `size` per page, items named `i<k>`. */
const page = (n: number, size: number, total: number): PageLike<string> => ({
  data: Array.from(
    { length: Math.max(0, Math.min(size, total - (n - 1) * size)) },
    (_, i) => `i${(n - 1) * size + i + 1}`,
  ),
  pagination: { total_pages: Math.ceil(total / size) },
});

describe('autoPage', () => {
  it('emits every item of every page in order and completes after total_pages (prefetch 0 counts as 1)', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const pages = [1, 2, 3].map((n) => cold('10ms (a|)', { a: page(n, 2, 5) }));
      const result = autoPage((n) => pages[n - 1]!, { prefetch: 0 });
      expectObservable(result).toBe('10ms (ab) 6ms (cd) 6ms (e|)', {
        a: 'i1',
        b: 'i2',
        c: 'i3',
        d: 'i4',
        e: 'i5',
      });
      expectSubscriptions(pages[0]!.subscriptions).toBe('^ 9ms !');
      expectSubscriptions(pages[1]!.subscriptions).toBe('10ms ^ 9ms !');
      expectSubscriptions(pages[2]!.subscriptions).toBe('20ms ^ 9ms !');
    });
  });

  it('with the default prefetch 1 requests one page at a time, each after the one before was emitted', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const pages = [1, 2, 3].map((n) => cold('10ms (a|)', { a: page(n, 2, 5) }));
      expectObservable(autoPage((n) => pages[n - 1]!)).toBe('10ms (ab) 6ms (cd) 6ms (e|)', {
        a: 'i1',
        b: 'i2',
        c: 'i3',
        d: 'i4',
        e: 'i5',
      });
      expectSubscriptions(pages[1]!.subscriptions).toBe('10ms ^ 9ms !');
      expectSubscriptions(pages[2]!.subscriptions).toBe('20ms ^ 9ms !');
    });
  });

  it('keeps at most prefetch pages in flight ahead and holds a page that arrives early until its turn', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const pages = [
        cold('10ms (a|)', { a: page(1, 1, 4) }),
        cold('50ms (a|)', { a: page(2, 1, 4) }), // slow
        cold('10ms (a|)', { a: page(3, 1, 4) }), // fast: waits for page 2
        cold('10ms (a|)', { a: page(4, 1, 4) }),
      ];
      const result = autoPage((n) => pages[n - 1]!, { prefetch: 2 });
      // page 1 at 10, then pages 2 and 3 requested (two in flight); page 3 ready at 20 but emitted after page 2 (60);
      // only then is page 4 requested (60), emitted at 70
      expectObservable(result).toBe('10ms a 49ms (bc) 6ms (d|)', {
        a: 'i1',
        b: 'i2',
        c: 'i3',
        d: 'i4',
      });
      expectSubscriptions(pages[1]!.subscriptions).toBe('10ms ^ 49ms !');
      expectSubscriptions(pages[2]!.subscriptions).toBe('10ms ^ 9ms !');
      expectSubscriptions(pages[3]!.subscriptions).toBe('60ms ^ 9ms !');
    });
  });

  it('requests nothing more than page 1 for take(n) within it', () => {
    const requested: number[] = [];
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const one = cold('-(a|)', { a: page(1, 100, 300) });
      const result = autoPage((n) => {
        requested.push(n);
        return one;
      }).pipe(take(5));
      expectObservable(result).toBe('-(abcde|)', { a: 'i1', b: 'i2', c: 'i3', d: 'i4', e: 'i5' });
      expectSubscriptions(one.subscriptions).toBe('^!');
    });
    expect(requested).to.deep.equal([1]);
  });

  it('stops at the first empty page', () => {
    const requested: number[] = [];
    newScheduler().run(({ cold, expectObservable }) => {
      const fetch = (n: number): Observable<PageLike<string>> => {
        requested.push(n);
        return cold('-(a|)', {
          a:
            n === 1
              ? { data: ['x'], pagination: { total_pages: 9 } }
              : { data: [], pagination: { total_pages: 9 } },
        });
      };
      expectObservable(autoPage(fetch, { prefetch: 0 })).toBe('-x|', { x: 'x' });
    });
    expect(requested).to.deep.equal([1, 2]);
  });

  it('completes empty for an empty list (total_pages 0)', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(
        autoPage(() => cold('-(a|)', { a: { data: [], pagination: { total_pages: 0 } } })),
      ).toBe('-|');
    });
  });

  it('never emits while page 1 never arrives', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(autoPage(() => cold<PageLike<string>>('-'))).toBe('-');
    });
  });

  it('delivers an error of a page in its turn, after the pages before it, and cancels the rest', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const p2 = cold<PageLike<string>>('----(a|)', { a: page(2, 1, 4) });
      const p3 = cold<PageLike<string>>('-#', undefined, new Error('page 3 failed'));
      const p4 = cold<PageLike<string>>('----------(a|)', { a: page(4, 1, 4) });
      const pages = [undefined, cold('-(a|)', { a: page(1, 1, 4) }), p2, p3, p4];
      expectObservable(autoPage((n) => pages[n]!, { prefetch: 3 })).toBe(
        '-a---(b#)',
        { a: 'i1', b: 'i2' },
        new Error('page 3 failed'),
      );
      expectSubscriptions(p4.subscriptions).toBe('-^---!');
    });
  });

  it('errors when a page completes without a value', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(autoPage(() => cold<PageLike<string>>('-|'))).toBe(
        '-#',
        undefined,
        new Error('page 1 completed without a value'),
      );
    });
  });

  it('unsubscribes every page in flight when the consumer unsubscribes', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const p2 = cold<PageLike<string>>('------(a|)', { a: page(2, 1, 3) });
      const p3 = cold<PageLike<string>>('------(a|)', { a: page(3, 1, 3) });
      const pages = [undefined, cold('-(a|)', { a: page(1, 1, 3) }), p2, p3];
      expectObservable(
        autoPage((n) => pages[n]!, { prefetch: 2 }),
        '^--!',
      ).toBe('-a-', { a: 'i1' });
      expectSubscriptions(p2.subscriptions).toBe('-^-!');
      expectSubscriptions(p3.subscriptions).toBe('-^-!');
    });
  });

  it('copes with pages that arrive synchronously', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const sync = (n: number) => cold('(a|)', { a: page(n, 2, 5) });
      expectObservable(autoPage(sync, { prefetch: 3 })).toBe('(abcde|)', {
        a: 'i1',
        b: 'i2',
        c: 'i3',
        d: 'i4',
        e: 'i5',
      });
    });
  });
});
