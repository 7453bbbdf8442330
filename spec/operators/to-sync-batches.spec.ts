import { expect } from 'chai';
import fc from 'fast-check';
import { from, toArray, lastValueFrom } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { isRight } from 'fp-ts/Either';
import { MemberInput } from '../../lib/codecs';
import { ValidationError } from '../../lib/errors';
import { toSyncBatches, type ToSyncBatchesOptions } from '../../lib/operators/to-sync-batches';
import { makeMember } from '../helpers/roster';

const member = (i: number, extra = ''): MemberInput => {
  const raw = makeMember(i);
  const decoded = MemberInput.decode({ ...raw, first_name: `${raw['first_name'] as string}${extra}` });
  if (!isRight(decoded)) throw new Error('fixture member is invalid');
  return decoded.right;
};

const bodyBytes = (batch: ReadonlyArray<MemberInput>): number =>
  Buffer.byteLength(JSON.stringify({ members: batch }), 'utf8');

describe('toSyncBatches', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  const values = { a: member(0), b: member(1), c: member(2), d: member(3), e: member(4) };

  it('emits nothing and never completes for a source that never emits', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<MemberInput>('-');
      expectObservable(source.pipe(toSyncBatches({ maxMembers: 2 }))).toBe('-');
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('completes without emitting an empty batch for an empty source', () => {
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold<MemberInput>('---|').pipe(toSyncBatches())).toBe('---|');
    });
  });

  it('flushes a single member as a batch of one on completion', () => {
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-a--|', values).pipe(toSyncBatches())).toBe('----(x|)', { x: [values.a] });
    });
  });

  it('emits a batch as soon as it holds maxMembers, keeping order, and flushes the remainder', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('-a-b-c-d-e-|', values);
      expectObservable(source.pipe(toSyncBatches({ maxMembers: 2 }))).toBe('---x---y---(z|)', {
        x: [values.a, values.b],
        y: [values.c, values.d],
        z: [values.e],
      });
    });
  });

  it('closes a batch before the member that would push its body over maxBytes', () => {
    const size1 = bodyBytes([values.a]);
    const size2 = bodyBytes([values.a, values.b]);
    scheduler.run(({ cold, expectObservable }) => {
      // room for exactly two members, never three
      const source = cold('-a-b-c-|', values);
      expectObservable(source.pipe(toSyncBatches({ maxMembers: 10, maxBytes: size2 }))).toBe('---x---(y|)', {
        x: [values.a, values.b],
        y: [values.c],
      });
      // room for one member only: a batch closes when the next member does not fit
      expectObservable(
        cold('-a-b-|', values).pipe(toSyncBatches({ maxMembers: 10, maxBytes: size1 + 10 })),
      ).toBe('---x-(y|)', { x: [values.a], y: [values.b] });
    });
  });

  it('passes an error through after the batches already emitted, dropping the open batch', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('-a-b-c-#', values, new Error('boom'));
      expectObservable(source.pipe(toSyncBatches({ maxMembers: 2 }))).toBe('---x---#', { x: [values.a, values.b] }, new Error('boom'));
    });
  });

  it('keeps batching a never-ending source', () => {
    scheduler.run(({ hot, expectObservable }) => {
      const source = hot('-a-b-c-d-e-', values);
      expectObservable(source.pipe(toSyncBatches({ maxMembers: 2 }))).toBe('---x---y---', {
        x: [values.a, values.b],
        y: [values.c, values.d],
      });
    });
  });

  it('unsubscribes from the source when the consumer unsubscribes early', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-c-d-|', values);
      expectObservable(source.pipe(toSyncBatches({ maxMembers: 2 })), '^----!').toBe('---x-', {
        x: [values.a, values.b],
      });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('errors with ValidationError naming the position of a member too large for a batch of its own', () => {
    const big = member(7, 'x'.repeat(2000));
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('-a-b-|', { a: values.a, b: big });
      const result = source.pipe(toSyncBatches({ maxBytes: 1000 }));
      expectObservable(result).toBe(
        '---#',
        undefined,
        new ValidationError('toSyncBatches', [
          { path: '[1]', message: `is ${bodyBytes([big])} bytes as a batch of its own, over maxBytes 1000` },
        ]),
      );
    });
  });

  it('errors with ValidationError on its error channel for a member that cannot be serialised (cycle, BigInt, throwing getter, hostile Proxy)', () => {
    const cycle: Record<string, unknown> = { ...values.a };
    cycle.self = cycle;
    const getter = Object.defineProperty({ ...values.a }, 'first_name', {
      enumerable: true,
      get: () => {
        throw new Error('getter gone');
      },
    });
    const proxy = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('trap');
        },
        getPrototypeOf: () => {
          throw new Error('trap');
        },
      },
    );
    const hostile: ReadonlyArray<[unknown, RegExp]> = [
      [cycle, /cannot be serialised: .*circular/i],
      [{ ...values.a, n: 1n }, /cannot be serialised: .*BigInt/],
      [getter, /cannot be serialised: getter gone/],
      [proxy, /cannot be serialised: trap/],
    ];
    for (const [bad, message] of hostile) {
      const scheduler = new TestScheduler((actual, expected) => {
        expect(actual).to.deep.equal(expected);
      });
      scheduler.run(({ cold, flush }) => {
        const source = cold('-a-b-c-|', { a: values.a, b: bad as MemberInput, c: values.b });
        let caught: unknown;
        let at = -1;
        const batches: MemberInput[][] = [];
        source.pipe(toSyncBatches({ maxMembers: 2 })).subscribe({
          next: (b) => batches.push(b),
          error: (e: unknown) => {
            caught = e;
            at = scheduler.now();
          },
        });
        flush();
        expect(at, `errors when the member arrives (${String(message)})`).to.equal(3);
        expect(batches).to.deep.equal([]);
        expect(caught).to.be.instanceOf(ValidationError);
        expect((caught as ValidationError).issues).to.have.length(1);
        expect((caught as ValidationError).issues[0]!.path).to.equal('[1]');
        expect((caught as ValidationError).issues[0]!.message).to.match(message);
      });
    }
  });

  it('counts UTF-8 bytes, not characters', async () => {
    const wide = member(1, 'é'.repeat(100)); // 2 bytes per character
    const max = bodyBytes([wide, wide]) - 1; // two do not fit by one byte
    const batches = await lastValueFrom(from([wide, wide, wide]).pipe(toSyncBatches({ maxBytes: max }), toArray()));
    expect(batches.map((b) => b.length)).to.deep.equal([1, 1, 1]);
    const exact = await lastValueFrom(
      from([wide, wide, wide]).pipe(toSyncBatches({ maxBytes: max + 1 }), toArray()),
    );
    expect(exact.map((b) => b.length)).to.deep.equal([2, 1]);
  });

  it('throws ValidationError for options that are not positive integers, maxMembers over 1000, null or a throwing getter', () => {
    const throwing = {
      get maxMembers(): number {
        throw new Error('no');
      },
    };
    for (const bad of [{ maxMembers: 0 }, { maxMembers: 1.5 }, { maxMembers: 1001 }, { maxBytes: -1 }, { maxBytes: Number.NaN }, { maxBytes: 10 }, null, throwing]) {
      expect(() => toSyncBatches(bad as ToSyncBatchesOptions), String(bad === throwing ? 'getter' : JSON.stringify(bad))).to.throw(ValidationError);
    }
    try {
      toSyncBatches({ maxMembers: 0, maxBytes: 0 });
    } catch (e) {
      expect((e as ValidationError).issues.map((i) => i.path)).to.deep.equal(['maxMembers', 'maxBytes']);
    }
    expect(() => toSyncBatches({ maxMembers: 1000 })).not.to.throw();
  });

  it('closes a batch at 1000 members by default, the API limit', async () => {
    const many = Array.from({ length: 2500 }, (_, i) => member(i));
    const batches = await lastValueFrom(from(many).pipe(toSyncBatches(), toArray()));
    expect(batches.map((b) => b.length)).to.deep.equal([1000, 1000, 500]);
  });

  it('keeps every member in order and every batch within both bounds (property)', async () => {
    const pool = Array.from({ length: 40 }, (_, i) => member(i, 'ü'.repeat(i % 7 === 0 ? 150 : i % 3)));
    const largest = Math.max(...pool.map((m) => bodyBytes([m])));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: pool.length - 1 }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: largest, max: largest * 8 }),
        async (picks, maxMembers, maxBytes) => {
          const input = picks.map((i) => pool[i]!);
          const batches = await lastValueFrom(from(input).pipe(toSyncBatches({ maxMembers, maxBytes }), toArray()));
          expect(batches.flat()).to.deep.equal(input);
          for (const batch of batches) {
            expect(batch.length).to.be.within(1, maxMembers);
            expect(bodyBytes(batch)).to.be.at.most(maxBytes);
          }
          // batches are maximal: the next member did not fit (count or bytes)
          for (let i = 0; i + 1 < batches.length; i++) {
            const b = batches[i]!;
            const next = batches[i + 1]![0]!;
            expect(b.length === maxMembers || bodyBytes([...b, next]) > maxBytes).to.equal(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
