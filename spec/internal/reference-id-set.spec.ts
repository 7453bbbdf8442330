import { expect } from 'chai';
import fc from 'fast-check';
import { fnv1a, ReferenceIdSet } from '../../lib/internal/reference-id-set';

const hashOf = (id: string): number => {
  const bytes = Buffer.from(id);
  return fnv1a(bytes, 0, bytes.length);
};

// Two ids of the same length whose 32-bit FNV-1a hashes collide (found once by a birthday search).
const COLLIDING: [string, string] = ['EMP-0720089', 'EMP-1214000'];

const LONE_SURROGATES = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

describe('ReferenceIdSet', () => {
  it('answers add and has exactly like a Set<string>, for any strings (unicode, empty, long)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string(),
            fc.string({ unit: 'grapheme' }),
            fc.string({ unit: 'binary' }), // lone surrogates too
            fc.string({ unit: LONE_SURROGATES, maxLength: 3 }),
            fc.constantFrom('EMP-1', 'EMP-2', '', 'é'),
          ),
          { maxLength: 300 },
        ),
        (ids) => {
          const ours = new ReferenceIdSet();
          const reference = new Set<string>();
          const handles = new Map<string, number>();
          for (const id of ids) {
            expect(ours.has(id)).to.equal(reference.has(id));
            const handle = ours.insert(id);
            expect(handle === ReferenceIdSet.PRESENT).to.equal(reference.has(id));
            if (handle !== ReferenceIdSet.PRESENT) handles.set(id, handle);
            expect(ours.add(id)).to.equal(false);
            reference.add(id);
            expect(ours.size).to.equal(reference.size);
          }
          // every handle gives its id back, exactly
          for (const [id, handle] of handles) expect(ours.idAt(handle)).to.equal(id);
          expect(new Set(handles.values()).size).to.equal(handles.size);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stays exact through many growths of its table and buffer (200,000 ids), handles included', () => {
    const ids = new ReferenceIdSet();
    const handles: number[] = [];
    for (let i = 0; i < 200_000; i++) handles.push(ids.insert(`EMP-${i}`));
    for (let i = 0; i < 200_000; i++) if (ids.idAt(handles[i]!) !== `EMP-${i}`) expect.fail(`handle of EMP-${i}`);
    expect(ids.size).to.equal(200_000);
    for (let i = 0; i < 200_000; i += 997) expect(ids.add(`EMP-${i}`)).to.equal(false);
    expect(ids.has('EMP-200000')).to.equal(false);
    expect(ids.has('EMP-199999')).to.equal(true);
    expect(ids.size).to.equal(200_000);
  });

  it('reserve(n) makes room for n ids at once: adding them rebuilds the table no more, and all stays exact', () => {
    const ids = new ReferenceIdSet();
    const early = ids.insert('EMP-early'); // reserving after ids were added keeps them
    let rebuilds = 0;
    const inner = ids as unknown as { rebuild(size: number): void };
    const rebuild = inner.rebuild.bind(ids);
    inner.rebuild = (size) => {
      rebuilds++;
      rebuild(size);
    };
    ids.reserve(100_000);
    expect(rebuilds).to.equal(1);
    const handles: number[] = [];
    for (let i = 0; i < 99_999; i++) handles.push(ids.insert(`EMP-${i}`));
    expect(rebuilds).to.equal(1);
    expect(ids.size).to.equal(100_000);
    expect(ids.idAt(early)).to.equal('EMP-early');
    for (let i = 0; i < 99_999; i++) if (ids.idAt(handles[i]!) !== `EMP-${i}`) expect.fail(`handle of EMP-${i}`);
    expect(ids.add('EMP-5')).to.equal(false);
    ids.reserve(10); // less than it has room for: nothing changes
    expect(rebuilds).to.equal(1);
    for (let i = 99_999; i < 200_000; i++) ids.insert(`EMP-${i}`); // past the reserve it grows as before
    expect(rebuilds).to.be.greaterThan(1);
    expect(ids.size).to.equal(200_001);
  });

  it('decides by the bytes, not by the hash: two ids with the same hash are both kept', () => {
    const [a, b] = COLLIDING;
    expect(a).to.not.equal(b);
    expect(hashOf(a)).to.equal(hashOf(b));
    const ids = new ReferenceIdSet();
    expect(ids.add(a)).to.equal(true);
    expect(ids.has(b)).to.equal(false);
    expect(ids.add(b)).to.equal(true);
    expect(ids.add(a)).to.equal(false);
    expect(ids.add(b)).to.equal(false);
    expect(ids.size).to.equal(2);
  });

  it('keeps long ids across chunk boundaries, and ids too long for a chunk, exactly', () => {
    const ids = new ReferenceIdSet();
    const long = (i: number): string => `${i}-`.padEnd(120_000, 'x'); // 3 fit a 1 MiB chunk
    for (let i = 0; i < 10; i++) expect(ids.idAt(ids.insert(long(i)))).to.equal(long(i));
    const huge = 'y'.repeat(400_000); // over a chunk's worth of 3-byte units: kept aside
    expect(ids.idAt(ids.insert(huge))).to.equal(huge);
    expect(ids.add('EMP-1')).to.equal(true);
    for (let i = 0; i < 10; i++) expect(ids.has(long(i))).to.equal(true);
    expect(ids.add(long(3))).to.equal(false);
    expect(ids.add(huge)).to.equal(false);
    expect(ids.has(`${huge}y`)).to.equal(false);
    expect(ids.has(long(10))).to.equal(false);
    expect(ids.size).to.equal(12);
  });

  it('tells apart ids whose UTF-8 forms are alike: lone surrogates all encode as U+FFFD', () => {
    const ids = new ReferenceIdSet();
    expect(Buffer.from('EMP-\ud800').equals(Buffer.from('EMP-\udfff'))).to.equal(true);
    for (const id of ['EMP-\ud800', 'EMP-\udfff', 'EMP-\ufffd', 'EMP-\ud83d\ude00', 'EMP-\ude00\ud83d'])
      expect(ids.add(id)).to.equal(true);
    expect(ids.add('EMP-\udfff')).to.equal(false);
    expect(ids.has('EMP-\udbff')).to.equal(false);
    expect(ids.size).to.equal(5);
  });

  it('keeps ids of every length prefix size (under 128 bytes, under 16,384, and more) exactly', () => {
    const ids = new ReferenceIdSet();
    const lengths = [1, 126, 127, 128, 129, 16_383, 16_384, 16_385, 300_000];
    for (const n of lengths) {
      expect(ids.add('x'.repeat(n))).to.equal(true);
      expect(ids.add(`${'x'.repeat(n - 1)}y`)).to.equal(true);
      expect(ids.add('é'.repeat(n))).to.equal(true); // 2 bytes a character
    }
    for (const n of lengths) {
      expect(ids.add('x'.repeat(n))).to.equal(false);
      expect(ids.has(`${'x'.repeat(n - 1)}y`)).to.equal(true);
      expect(ids.has(`${'x'.repeat(n - 1)}z`)).to.equal(false);
      expect(ids.has('é'.repeat(n))).to.equal(true);
    }
    expect(ids.size).to.equal(lengths.length * 3);
  });

  it('tells apart ids whose bytes differ only in length or in one character', () => {
    const ids = new ReferenceIdSet();
    expect(ids.add('ab')).to.equal(true);
    expect(ids.add('abc')).to.equal(true);
    expect(ids.add('a')).to.equal(true);
    expect(ids.add('ab')).to.equal(false);
    expect(ids.has('ac')).to.equal(false);
  });
});
