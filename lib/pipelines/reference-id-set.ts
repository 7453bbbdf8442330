// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

const EMPTY = 0;
const INITIAL_SLOTS = 1 << 12; // power of two
const MAX_LOAD = 0.6;
/** Bytes of one chunk of the id store: chunks are added, never copied or grown. */
const CHUNK_BITS = 20;
const CHUNK_BYTES = 1 << CHUNK_BITS;
/** Chunks addressable by a 32-bit position (4 GiB of ids); ids past that go to a plain Set. */
const MAX_CHUNKS = 2 ** (32 - CHUNK_BITS);
/** Longest id (in UTF-16 units) kept in the chunks: 3 UTF-8 bytes a unit must fit in one chunk. */
const MAX_CHUNKED_LENGTH = Math.floor(CHUNK_BYTES / 3);
/** Entries of one block of the index of starts. */
const BLOCK_BITS = 16;
const BLOCK_SIZE = 1 << BLOCK_BITS;

/** 32-bit FNV-1a over `bytes[start, end)`. @internal */
export const fnv1a = (bytes: Uint8Array, start: number, end: number): number => {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
};

/**
 * An exact set of strings (the `reference_id`s a roster sync has accepted)
 * kept outside the JavaScript heap, in about 25 bytes per id (its UTF-8 bytes,
 * a 4-byte start, and 5-byte table slots at most 60% full) instead of the ~80
 * a `Set<string>` costs on the heap, so that a sync of millions of members
 * keeps a flat heap. The UTF-8 bytes of the ids are appended to 1 MiB chunks
 * (added as needed, never copied), their starts to fixed blocks, and an
 * open-addressing table of typed arrays points to them; only the table is
 * rebuilt as it grows. Membership is decided by comparing bytes, never by hash
 * alone: no false repeats. (Ids over ~350,000 characters, or past 4 GiB of
 * ids, are kept in a plain `Set` instead.)
 *
 * @internal
 * @example
 * // internal (lib/pipelines/reference-id-set.ts), used by syncRoster
 * const ids = new ReferenceIdSet();
 * ids.add('EMP-1'); // true: new
 * ids.add('EMP-1'); // false: already there
 */
export class ReferenceIdSet {
  /** The id store; an id never spans two chunks. */
  private readonly chunks: Buffer[] = [];
  /** Bytes used in each chunk. */
  private readonly chunkUsed: number[] = [];
  /** Start of id `i` as `chunk << CHUNK_BITS | offset`, in blocks of BLOCK_SIZE. */
  private readonly starts: Uint32Array[] = [];
  private count = 0;
  /** Slot → id index + 1 (0: empty). */
  private slots = new Uint32Array(INITIAL_SLOTS);
  /** Slot → top 8 bits of its id's hash: skips most byte comparisons of ids that cannot match. */
  private tags = new Uint8Array(INITIAL_SLOTS);
  /** Ids too long for a chunk, or past the chunks' 4 GiB. */
  private readonly overflow = new Set<string>();

  /** How many ids the set holds. */
  get size(): number {
    return this.count + this.overflow.size;
  }

  /** Adds `id`; returns false (and changes nothing) when it was already there. */
  add(id: string): boolean {
    if (!this.fits(id)) {
      if (this.overflow.has(id)) return false;
      this.overflow.add(id);
      return true;
    }
    const slot = this.probe(id);
    if (this.slots[slot] !== EMPTY) return false;
    this.commit(slot);
    return true;
  }

  /** True when `id` is in the set. */
  has(id: string): boolean {
    return this.fits(id) ? this.slots[this.probe(id)] !== EMPTY : this.overflow.has(id);
  }

  // ----- internals

  /** Chunk, start and end of the id {@link probe} last wrote (not yet committed), and its hash. */
  private probedChunk = 0;
  private probedStart = 0;
  private probedEnd = 0;
  private probedHash = 0;

  /** True when `id` is kept in the chunks (always, but for absurdly long ids or past 4 GiB). */
  private fits(id: string): boolean {
    if (id.length > MAX_CHUNKED_LENGTH) return false;
    const last = this.chunks.length - 1;
    return last >= 0 && this.chunkUsed[last]! + id.length * 3 <= CHUNK_BYTES ? true : this.chunks.length < MAX_CHUNKS;
  }

  /**
   * Writes `id` after the used bytes of the last chunk (a new chunk when it
   * may not fit), without committing it, and returns its slot: the one holding
   * an equal id, or the empty slot where it would go.
   */
  private probe(id: string): number {
    let chunk = this.chunks.length - 1;
    if (chunk < 0 || this.chunkUsed[chunk]! + id.length * 3 > CHUNK_BYTES) {
      this.chunks.push(Buffer.allocUnsafe(CHUNK_BYTES));
      this.chunkUsed.push(0);
      chunk += 1;
    }
    const bytes = this.chunks[chunk]!;
    const start = this.chunkUsed[chunk]!;
    const end = start + bytes.write(id, start, 'utf8');
    const hash = fnv1a(bytes, start, end);
    this.probedChunk = chunk;
    this.probedStart = start;
    this.probedEnd = end;
    this.probedHash = hash;
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === EMPTY) return slot;
      if (this.tags[slot] === hash >>> 24 && this.equals(entry - 1, bytes, start, end)) return slot;
    }
  }

  private startOf(index: number): number {
    return this.starts[index >>> BLOCK_BITS]![index & (BLOCK_SIZE - 1)]!;
  }

  /** End (in its chunk) of stored id `index`, which starts at `position`. */
  private endOf(index: number, position: number): number {
    const chunk = position >>> CHUNK_BITS;
    if (index + 1 < this.count) {
      const next = this.startOf(index + 1);
      if (next >>> CHUNK_BITS === chunk) return next & (CHUNK_BYTES - 1);
    }
    return this.chunkUsed[chunk]!;
  }

  private equals(index: number, bytes: Buffer, start: number, end: number): boolean {
    const position = this.startOf(index);
    const from = position & (CHUNK_BYTES - 1);
    const to = this.endOf(index, position);
    return to - from === end - start && bytes.compare(this.chunks[position >>> CHUNK_BITS]!, from, to, start, end) === 0;
  }

  /** Keeps the id {@link probe} just wrote, in the empty `slot` it returned. */
  private commit(slot: number): void {
    const block = this.count >>> BLOCK_BITS;
    if (block === this.starts.length) this.starts.push(new Uint32Array(BLOCK_SIZE));
    this.starts[block]![this.count & (BLOCK_SIZE - 1)] = ((this.probedChunk << CHUNK_BITS) | this.probedStart) >>> 0;
    this.chunkUsed[this.probedChunk] = this.probedEnd;
    this.count += 1;
    this.slots[slot] = this.count;
    this.tags[slot] = this.probedHash >>> 24;
    if (this.count > this.slots.length * MAX_LOAD) this.rehash();
  }

  private rehash(): void {
    const size = this.slots.length * 2;
    const mask = size - 1;
    const slots = new Uint32Array(size);
    const tags = new Uint8Array(size);
    for (let index = 0; index < this.count; index++) {
      const position = this.startOf(index);
      const hash = fnv1a(
        this.chunks[position >>> CHUNK_BITS]!,
        position & (CHUNK_BYTES - 1),
        this.endOf(index, position),
      );
      let slot = hash & mask;
      while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot] = index + 1;
      tags[slot] = hash >>> 24;
    }
    this.slots = slots;
    this.tags = tags;
  }
}
