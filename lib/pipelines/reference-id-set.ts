// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

const EMPTY = 0;
const INITIAL_SLOTS = 1 << 12; // power of two
const MAX_LOAD = 0.6;
/** Growth factor of the byte buffer and the index of starts (1.5 keeps the slack and the copies small). */
const GROWTH = 1.5;

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
 * a `Set<string>` costs on the heap, so that a sync of millions of members keeps a
 * flat heap: the UTF-8 bytes of every id are appended to one growing buffer,
 * and an open-addressing table of typed arrays points into it. Membership is
 * decided by comparing bytes, never by hash alone: no false repeats.
 *
 * @internal
 * @example
 * // internal (lib/pipelines/reference-id-set.ts), used by syncRoster
 * const ids = new ReferenceIdSet();
 * ids.add('EMP-1'); // true: new
 * ids.add('EMP-1'); // false: already there
 */
export class ReferenceIdSet {
  /** UTF-8 bytes of every id, back to back. */
  private arena = Buffer.allocUnsafe(64 * 1024);
  private used = 0;
  /** `starts[i]` is where id `i` begins; it ends where id `i + 1` begins (or at `used`). */
  private starts = new Uint32Array(1024);
  private count = 0;
  /** Slot → id index + 1 (0: empty). */
  private slots = new Uint32Array(INITIAL_SLOTS);
  /** Slot → top 8 bits of its id's hash: skips most byte comparisons of ids that cannot match. */
  private tags = new Uint8Array(INITIAL_SLOTS);

  /** How many ids the set holds. */
  get size(): number {
    return this.count;
  }

  /** Adds `id`; returns false (and changes nothing) when it was already there. */
  add(id: string): boolean {
    const slot = this.probe(id);
    if (this.slots[slot] !== EMPTY) return false;
    this.commit(slot);
    return true;
  }

  /** True when `id` is in the set. */
  has(id: string): boolean {
    return this.slots[this.probe(id)] !== EMPTY;
  }

  // ----- internals

  /** Hash and end of the id {@link probe} last wrote after the used bytes (not yet committed). */
  private probedHash = 0;
  private probedEnd = 0;

  /**
   * Writes `id` after the used bytes (without committing it) and returns its
   * slot: the one holding an equal id, or the empty slot where it would go.
   */
  private probe(id: string): number {
    this.reserveArena(id.length * 3);
    const start = this.used;
    const end = start + this.arena.write(id, start, 'utf8');
    const hash = fnv1a(this.arena, start, end);
    this.probedHash = hash;
    this.probedEnd = end;
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === EMPTY) return slot;
      if (this.tags[slot] === hash >>> 24 && this.equals(entry - 1, start, end)) return slot;
    }
  }

  private endOf(index: number): number {
    return index + 1 < this.count ? this.starts[index + 1]! : this.used;
  }

  private equals(index: number, start: number, end: number): boolean {
    const from = this.starts[index]!;
    const to = this.endOf(index);
    return to - from === end - start && this.arena.compare(this.arena, start, end, from, to) === 0;
  }

  /** Keeps the id {@link probe} just wrote, in the empty `slot` it returned. */
  private commit(slot: number): void {
    const start = this.used;
    const end = this.probedEnd;
    const hash = this.probedHash;
    if (this.count === this.starts.length) {
      const grown = new Uint32Array(Math.ceil(this.starts.length * GROWTH));
      grown.set(this.starts);
      this.starts = grown;
    }
    this.starts[this.count] = start;
    this.count += 1;
    this.used = end;
    this.slots[slot] = this.count;
    this.tags[slot] = hash >>> 24;
    if (this.count > this.slots.length * MAX_LOAD) this.rehash();
  }

  private reserveArena(extra: number): void {
    if (this.used + extra <= this.arena.length) return;
    const grown = Buffer.allocUnsafe(Math.max(Math.ceil(this.arena.length * GROWTH), this.used + extra));
    this.arena.copy(grown, 0, 0, this.used);
    this.arena = grown;
  }

  private rehash(): void {
    const size = this.slots.length * 2;
    const mask = size - 1;
    const slots = new Uint32Array(size);
    const tags = new Uint8Array(size);
    for (let index = 0; index < this.count; index++) {
      const hash = fnv1a(this.arena, this.starts[index]!, this.endOf(index));
      let slot = hash & mask;
      while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot] = index + 1;
      tags[slot] = hash >>> 24;
    }
    this.slots = slots;
    this.tags = tags;
  }
}
