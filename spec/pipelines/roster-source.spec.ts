import { expect } from 'chai';
import fc from 'fast-check';
import { from, Observable, Subject } from 'rxjs';
import {
  asyncIterableReader,
  iterableReader,
  observableReader,
  PENDING,
  rosterReader,
  type Pulled,
  type RosterReader,
} from '../../lib/pipelines/roster-source';

/** Reads until done or error, waiting for each pending step. */
const drain = async (reader: RosterReader): Promise<Pulled[]> => {
  const steps: Pulled[] = [];
  for (;;) {
    let wake!: (step: Pulled) => void;
    const woken = new Promise<Pulled>((resolve) => (wake = resolve));
    const got = reader.read(wake);
    const step = got === PENDING ? await woken : got;
    steps.push(step);
    if (step.kind !== 'value') return steps;
  }
};

const values = (steps: ReadonlyArray<Pulled>): unknown[] =>
  steps.flatMap((s) => (s.kind === 'value' ? [s.value] : []));

const noWake = (): void => {
  throw new Error('a synchronous reader never wakes');
};

/** An iterable that counts what was pulled from it and whether return() was called. */
const countingIterable = (n: number) => {
  const seen = { pulled: 0, returned: 0 };
  const iterable: Iterable<number> = {
    [Symbol.iterator]: () => ({
      next: () =>
        seen.pulled < n ? { done: false, value: seen.pulled++ } : { done: true, value: undefined },
      return: () => {
        seen.returned++;
        return { done: true, value: undefined };
      },
    }),
  };
  return { iterable, seen };
};

describe('iterableReader', () => {
  it('pulls one value per read, none before the first, then says done (and keeps saying it without pulling)', () => {
    const { iterable, seen } = countingIterable(2);
    const reader = iterableReader(iterable);
    expect(seen.pulled).to.equal(0);
    expect(reader.read(noWake)).to.deep.equal({ kind: 'value', value: 0 });
    expect(seen.pulled).to.equal(1);
    expect(reader.read(noWake)).to.deep.equal({ kind: 'value', value: 1 });
    expect(reader.read(noWake)).to.deep.equal({ kind: 'done' });
    expect(reader.read(noWake)).to.deep.equal({ kind: 'done' });
    expect(seen.pulled).to.equal(2);
  });

  it('turns a throwing iterator into one error step, then done', () => {
    const boom = new Error('boom');
    const reader = iterableReader({
      [Symbol.iterator]: () => ({
        next: () => {
          throw boom;
        },
      }),
    });
    expect(reader.read(noWake)).to.deep.equal({ kind: 'error', error: boom });
    expect(reader.read(noWake)).to.deep.equal({ kind: 'done' });
  });

  it('close() returns the iterator once, even when called twice; after the end it does nothing', () => {
    const open = countingIterable(5);
    const reader = iterableReader(open.iterable);
    reader.read(noWake);
    reader.close();
    reader.close();
    expect(open.seen.returned).to.equal(1);
    expect(reader.read(noWake)).to.deep.equal({ kind: 'done' });

    const ended = countingIterable(0);
    const endedReader = iterableReader(ended.iterable);
    expect(endedReader.read(noWake)).to.deep.equal({ kind: 'done' });
    endedReader.close();
    expect(ended.seen.returned).to.equal(0);
  });

  it('close() runs a generator’s finally block and swallows a failing clean-up', () => {
    let cleaned = false;
    function* gen(): Generator<number> {
      try {
        yield 1;
        yield 2;
      } finally {
        cleaned = true;
      }
    }
    const reader = iterableReader(gen());
    reader.read(noWake);
    reader.close();
    expect(cleaned).to.equal(true);

    const failing = iterableReader({
      [Symbol.iterator]: () => ({
        next: () => ({ done: false, value: 1 }),
        return: () => {
          throw new Error('clean-up failed');
        },
      }),
    });
    failing.read(noWake);
    expect(() => failing.close()).not.to.throw();
  });
});

describe('asyncIterableReader', () => {
  it('answers each read with PENDING and wakes once with the step', async () => {
    async function* gen(): AsyncGenerator<string> {
      yield 'a';
      yield 'b';
    }
    const reader = asyncIterableReader(gen());
    const wakes: Pulled[] = [];
    expect(reader.read((s) => wakes.push(s))).to.equal(PENDING);
    expect(wakes).to.deep.equal([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(wakes).to.deep.equal([{ kind: 'value', value: 'a' }]);
    expect(await drain(reader)).to.deep.equal([{ kind: 'value', value: 'b' }, { kind: 'done' }]);
    expect(reader.read(noWake)).to.deep.equal({ kind: 'done' });
  });

  it('turns a rejected next() and a throwing next() into an error step', async () => {
    const boom = new Error('boom');
    const rejecting = asyncIterableReader({
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(boom) }),
    });
    expect(await drain(rejecting)).to.deep.equal([{ kind: 'error', error: boom }]);
    const throwing = asyncIterableReader({
      [Symbol.asyncIterator]: () => ({
        next: () => {
          throw boom;
        },
      }),
    });
    expect(throwing.read(noWake)).to.deep.equal({ kind: 'error', error: boom });
  });

  it('close() returns the iterator once and never wakes a read that was pending', async () => {
    let returned = 0;
    let resolveNext!: (r: IteratorResult<number>) => void;
    const reader = asyncIterableReader({
      [Symbol.asyncIterator]: () => ({
        next: () => new Promise<IteratorResult<number>>((resolve) => (resolveNext = resolve)),
        return: () => {
          returned++;
          return Promise.reject(new Error('clean-up failed'));
        },
      }),
    });
    const wakes: Pulled[] = [];
    expect(reader.read((s) => wakes.push(s))).to.equal(PENDING);
    reader.close();
    reader.close();
    resolveNext({ done: false, value: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(returned).to.equal(1);
    expect(wakes).to.deep.equal([]);
    expect(reader.read(noWake)).to.deep.equal({ kind: 'done' });
  });
});

describe('observableReader', () => {
  it('subscribes on the first read, not before, and queues what arrives between reads, in order', () => {
    let subscribed = 0;
    const subject = new Subject<number>();
    const source = new Observable<number>((subscriber) => {
      subscribed++;
      return subject.subscribe(subscriber);
    });
    const reader = observableReader(source);
    expect(subscribed).to.equal(0);
    const wakes: Pulled[] = [];
    expect(reader.read((s) => wakes.push(s))).to.equal(PENDING);
    expect(subscribed).to.equal(1);
    subject.next(1);
    expect(wakes).to.deep.equal([{ kind: 'value', value: 1 }]);
    subject.next(2);
    subject.next(3);
    subject.complete();
    expect([reader.read(noWake), reader.read(noWake), reader.read(noWake)]).to.deep.equal([
      { kind: 'value', value: 2 },
      { kind: 'value', value: 3 },
      { kind: 'done' },
    ]);
    expect(subscribed).to.equal(1);
  });

  it('wakes a pending read with the error, and answers later reads with it', () => {
    const subject = new Subject<number>();
    const reader = observableReader(subject);
    const wakes: Pulled[] = [];
    expect(reader.read((s) => wakes.push(s))).to.equal(PENDING);
    const boom = new Error('boom');
    subject.error(boom);
    expect(wakes).to.deep.equal([{ kind: 'error', error: boom }]);
    expect(reader.read(noWake)).to.deep.equal({ kind: 'error', error: boom });
  });

  it('close() unsubscribes, drops the queue and never wakes the pending read; reads after it say done', () => {
    let tornDown = 0;
    const subject = new Subject<number>();
    const source = new Observable<number>((subscriber) => {
      const inner = subject.subscribe(subscriber);
      return () => {
        tornDown++;
        inner.unsubscribe();
      };
    });
    const reader = observableReader(source);
    const wakes: Pulled[] = [];
    reader.read((s) => wakes.push(s));
    reader.close();
    subject.next(1);
    expect(tornDown).to.equal(1);
    expect(wakes).to.deep.equal([]);
    expect(reader.read(noWake)).to.deep.equal({ kind: 'done' });
    expect(subject.observed).to.equal(false);
  });
});

describe('rosterReader', () => {
  it('reads back every value of an array, a generator, an async generator and an observable, then done', () =>
    fc.assert(
      fc.asyncProperty(fc.array(fc.anything(), { maxLength: 30 }), async (xs) => {
        async function* asyncGen(): AsyncGenerator<unknown> {
          yield* xs;
        }
        function* gen(): Generator<unknown> {
          yield* xs;
        }
        for (const source of [xs, gen(), asyncGen(), from(xs)]) {
          const steps = await drain(rosterReader(source)!);
          expect(values(steps)).to.deep.equal(xs);
          expect(steps[steps.length - 1]).to.deep.equal({ kind: 'done' });
        }
      }),
    ));

  it('prefers Symbol.asyncIterator over Symbol.iterator, and takes nothing else', async () => {
    const both = {
      [Symbol.iterator]: () => [1][Symbol.iterator](),
      [Symbol.asyncIterator]: async function* () {
        yield 2;
      },
    };
    expect(values(await drain(rosterReader(both)!))).to.deep.equal([2]);
    for (const notASource of [null, undefined, 42, 'abc', {}, { then: () => undefined }])
      expect(rosterReader(notASource), String(notASource)).to.equal(undefined);
  });
});
