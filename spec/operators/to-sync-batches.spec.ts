import { expect } from 'chai';
import fc from 'fast-check';
import { from, toArray, lastValueFrom } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { isRight } from 'fp-ts/Either';
import { MemberInput } from '../../lib/codecs';
import { ValidationError } from '../../lib/errors';
import { memberBytes, toSyncBatches } from '../../lib/operators/to-sync-batches';
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

  it('throws ValidationError for options that are not positive integers', () => {
    for (const bad of [{ maxMembers: 0 }, { maxMembers: 1.5 }, { maxBytes: -1 }, { maxBytes: Number.NaN }, { maxBytes: 10 }]) {
      expect(() => toSyncBatches(bad), JSON.stringify(bad)).to.throw(ValidationError);
    }
    try {
      toSyncBatches({ maxMembers: 0, maxBytes: 0 });
    } catch (e) {
      expect((e as ValidationError).issues.map((i) => i.path)).to.deep.equal(['maxMembers', 'maxBytes']);
    }
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

  it('batches hundreds of thousands of members a second (sizes kept incrementally)', function () {
    this.timeout(10_000);
    const pool = Array.from({ length: 1000 }, (_, i) => member(i));
    const input = Array.from({ length: 300_000 }, (_, i) => pool[i % pool.length]!);
    const t0 = process.hrtime.bigint();
    let count = 0;
    from(input)
      .pipe(toSyncBatches())
      .subscribe((b) => (count += b.length));
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    expect(count).to.equal(input.length);
    console.log(`      toSyncBatches: ${Math.round(input.length / seconds).toLocaleString('en')} members/s`);
    // a loose bound (the machine is shared; unloaded it does 700,000+/s): re-serialising the
    // open batch on every member would be ~250 times slower with batches of 500
    expect(input.length / seconds).to.be.above(100_000);
  });
});

describe('memberBytes', () => {
  it('equals the UTF-8 bytes of JSON.stringify for any JSON-like value (unicode, escapes, nesting, undefined fields)', () => {
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(
        fc.string({ unit: 'binary' }),
        fc.string(),
        // all of ASCII (controls, quote, backslash, DEL), short and on both sides of the 64-character loop/regexp switch
        fc.string({ unit: 'binary-ascii', maxLength: 8 }),
        fc.string({ unit: 'binary-ascii', minLength: 60, maxLength: 70 }),
        fc.constantFrom('"', '\\', '\n', '\u2028', 'é', '😀', ''),
        fc.integer(),
        fc.double(),
        fc.boolean(),
        fc.constant(null),
        fc.constant(undefined),
      ),
      node: fc.oneof(
        { weight: 3, arbitrary: tie('leaf') },
        { weight: 1, arbitrary: fc.dictionary(fc.string({ unit: 'binary' }), tie('node'), { maxKeys: 5 }) },
        { weight: 1, arbitrary: fc.array(tie('node'), { maxLength: 4 }) },
      ),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(fc.string(), value, { maxKeys: 8 }), (member) => {
        expect(memberBytes(member)).to.equal(Buffer.byteLength(JSON.stringify(member), 'utf8'));
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves out enumerable properties inherited from a polluted Object.prototype, as JSON.stringify does', () => {
    const member = { reference_id: 'EMP-1', address: { city: 'SF' } };
    Object.defineProperty(Object.prototype, 'polluted', { value: 'x', enumerable: true, configurable: true });
    try {
      expect(memberBytes(member)).to.equal(Buffer.byteLength(JSON.stringify(member), 'utf8'));
    } finally {
      delete (Object.prototype as { polluted?: unknown }).polluted;
    }
  });
});
