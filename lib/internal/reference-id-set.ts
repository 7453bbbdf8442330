// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

const EMPTY = 0;
const INITIAL_SLOTS = 1 << 12;
/** Most ids per table slot before the table grows. Tags keep long probe runs cheap. */
const MAX_LOAD = 0.8;
/** Table growth: small steps keep the unused slots (and the copy made while growing) small. */
const GROWTH = 1.25;
/** How full {@link ReferenceIdSet.reserve} leaves the table at the count it was given: short probe runs, a growth step left before the next rebuild. */
const RESERVED_LOAD = 0.7;
/** Most ids {@link ReferenceIdSet.reserve} makes room for at once (past that the table grows as ids come). */
const MAX_RESERVED = 2 ** 28;
/** Bytes of one chunk of the id store: chunks are added, never copied or grown. */
const CHUNK_BITS = 20;
const CHUNK_BYTES = 1 << CHUNK_BITS;
/** Chunks addressable by a 32-bit slot entry (position + 1, so 0 stays free for "empty"); ids past that go to a plain Set. */
const MAX_CHUNKS = 2 ** (32 - CHUNK_BITS) - 1;
/** Most bytes of a record's length prefix (LEB128: 7 bits a byte; a chunk's worth needs 3). */
const MAX_PREFIX = 3;
/** Longest id (in UTF-16 units) kept in the chunks: its prefix and 3 UTF-8 bytes a unit must fit in one chunk. */
const MAX_CHUNKED_LENGTH = Math.floor((CHUNK_BYTES - MAX_PREFIX) / 3);
const TWO_TO_32 = 2 ** 32;

/** `String.prototype.isWellFormed` (ES2024, Node 20), not yet in the ES2022 lib typings. */
const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** murmur3's finaliser: a bijection that spreads FNV's output over all 32 bits without adding collisions. */
const mix = (h: number): number => {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
};

/** 32-bit FNV-1a over `bytes[start, end)`, mixed (the hash of an id's UTF-8 bytes). @internal */
export const fnv1a = (bytes: Uint8Array, start: number, end: number): number => {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME);
  return mix(h);
};

/** Bytes of the LEB128 prefix of a record of `length` bytes. */
const prefixBytes = (length: number): number => (length < 0x80 ? 1 : length < 0x4000 ? 2 : 3);

/**
 * An exact set of strings (the `reference_id`s a roster sync has accepted)
 * kept outside the JavaScript heap, in about 20 bytes per short id (its UTF-8
 * bytes with a length byte, and 5-byte table slots between 64% and 80% full)
 * instead of the ~80 a `Set<string>` costs on the heap, so that a sync of
 * millions of members keeps a flat heap.
 *
 * Each id is a record (LEB128 length, then UTF-8 bytes) appended to 1 MiB
 * chunks (added as needed, never copied); an open-addressing table of typed
 * arrays holds each record's position and an 8-bit tag of its hash. Only the
 * table is rebuilt as it grows, 1.25× at a time, from the records themselves.
 * Membership is decided by comparing bytes, never by hash alone: no false
 * repeats. Ids whose UTF-8 form would not be exact (lone surrogates, which
 * encode alike), ids over ~350,000 characters, and ids past 4 GiB are kept in
 * a plain `Set` instead.
 *
 * @internal
 * @example
 * // internal (lib/internal/reference-id-set.ts), used by syncRoster
 * const ids = new ReferenceIdSet();
 * ids.add('EMP-1'); // true: new
 * ids.add('EMP-1'); // false: already there
 */
export class ReferenceIdSet {
  /** The id store; a record never spans two chunks. */
  private readonly chunks: Buffer[] = [];
  /** Bytes of committed records in each chunk. */
  private readonly ends: number[] = [];
  /** Bytes used in the last chunk. */
  private used = 0;
  private count = 0;
  /** Slot → record position (`chunk << CHUNK_BITS | offset`) + 1; 0: empty. */
  private slots = new Uint32Array(INITIAL_SLOTS);
  /** Slot → low 8 bits of its id's hash: skips the byte comparison of almost every id that cannot match. */
  private tags = new Uint8Array(INITIAL_SLOTS);
  /** Ids the chunks cannot hold exactly (see the class comment), and the same in the order added. */
  private readonly overflow = new Set<string>();
  private readonly overflowIds: string[] = [];

  /** How many ids the set holds. */
  get size(): number {
    return this.count + this.overflow.size;
  }

  /** Adds `id`; returns false (and changes nothing) when it was already there. */
  add(id: string): boolean {
    return this.insert(id) !== ReferenceIdSet.PRESENT;
  }

  /** What {@link insert} returns for an id already in the set. */
  static readonly PRESENT = -1;

  /**
   * Adds `id` and returns its handle, a number from which {@link idAt} gives
   * the id back (so a caller can keep a number instead of the string); returns
   * {@link ReferenceIdSet.PRESENT} (and changes nothing) when it was already there.
   */
  insert(id: string): number {
    if (!this.fits(id)) {
      if (this.overflow.has(id)) return ReferenceIdSet.PRESENT;
      this.overflow.add(id);
      this.overflowIds.push(id);
      return TWO_TO_32 + this.overflowIds.length - 1;
    }
    const slot = this.probe(id);
    if (this.slots[slot] !== EMPTY) return ReferenceIdSet.PRESENT;
    const position = ((this.probedChunk << CHUNK_BITS) | this.probedStart) >>> 0;
    this.commit(slot); // may rebuild the table: the slot is stale after it
    return position;
  }

  /** The id of a handle {@link insert} returned. */
  idAt(handle: number): string {
    if (handle >= TWO_TO_32) return this.overflowIds[handle - TWO_TO_32]!;
    const bytes = this.chunks[handle >>> CHUNK_BITS]!;
    let at = handle & (CHUNK_BYTES - 1);
    let length = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++]!;
      length |= (b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    return bytes.toString('utf8', at, at + length);
  }

  /**
   * Makes room for `count` ids in all, so that adding that many rebuilds the
   * table at most this once (now) instead of once per 1.25× step: a resumed
   * sync knows from its journal how many ids it is about to re-add. The table
   * is sized to be {@link RESERVED_LOAD} full at `count`; a smaller `count`
   * than it holds room for changes nothing.
   */
  reserve(count: number): void {
    if (!(count > this.slots.length * MAX_LOAD)) return;
    this.rebuild(Math.ceil(Math.min(count, MAX_RESERVED) / RESERVED_LOAD));
  }

  /** True when `id` is in the set. */
  has(id: string): boolean {
    return this.fits(id) ? this.slots[this.probe(id)] !== EMPTY : this.overflow.has(id);
  }

  // ----- internals

  /** Chunk, offset and length of the record {@link probe} last wrote (not yet committed), and its hash. */
  private probedChunk = 0;
  private probedStart = 0;
  private probedLength = 0;
  private probedHash = 0;

  /** True when `id` is kept in the chunks (always, but for lone surrogates, absurdly long ids or past 4 GiB). */
  private fits(id: string): boolean {
    if (id.length > MAX_CHUNKED_LENGTH || !isWellFormed(id)) return false;
    return this.chunks.length > 0 && this.used + MAX_PREFIX + id.length * 3 <= CHUNK_BYTES
      ? true
      : this.chunks.length < MAX_CHUNKS;
  }

  /** Slot of a hash in a table of `size` slots (the hash's high bits; the tag takes the low ones). */
  private static home(hash: number, size: number): number {
    return Math.floor((hash * size) / TWO_TO_32);
  }

  /**
   * Writes `id`'s record after the used bytes of the last chunk (a new chunk
   * when it may not fit), without committing it, and returns its slot: the one
   * holding an equal id, or the empty slot where it would go.
   */
  private probe(id: string): number {
    if (this.chunks.length === 0 || this.used + MAX_PREFIX + id.length * 3 > CHUNK_BYTES) {
      this.chunks.push(Buffer.allocUnsafe(CHUNK_BYTES));
      this.ends.push(0);
      this.used = 0;
    }
    const chunk = this.chunks.length - 1;
    const bytes = this.chunks[chunk]!;
    const start = this.used;
    let length = 0;
    let hash = 0;
    // fast path: a short ASCII id is copied and hashed in one pass, behind a one-byte prefix
    const n = id.length;
    if (n < 0x80) {
      let h = FNV_OFFSET;
      let i = 0;
      for (; i < n; i++) {
        const c = id.charCodeAt(i);
        if (c >= 0x80) break;
        bytes[start + 1 + i] = c;
        h = Math.imul(h ^ c, FNV_PRIME);
      }
      if (i === n) {
        bytes[start] = n;
        length = n + 1;
        hash = mix(h);
      }
    }
    if (length === 0) {
      // the bytes go after a one-byte prefix; the rare id of 128 bytes or more moves up for a longer one
      const written = bytes.write(id, start + 1, 'utf8');
      const prefix = prefixBytes(written);
      if (prefix > 1) bytes.copyWithin(start + prefix, start + 1, start + 1 + written);
      for (let i = 0, m = written; i < prefix; i++, m >>>= 7) bytes[start + i] = (m & 0x7f) | (i < prefix - 1 ? 0x80 : 0);
      length = prefix + written;
      hash = fnv1a(bytes, start + prefix, start + length);
    }
    this.probedChunk = chunk;
    this.probedStart = start;
    this.probedLength = length;
    this.probedHash = hash;
    const slots = this.slots;
    const size = slots.length;
    const tag = hash & 0xff;
    for (let slot = ReferenceIdSet.home(hash, size); ; slot = slot + 1 === size ? 0 : slot + 1) {
      const entry = slots[slot]!;
      if (entry === EMPTY) return slot;
      if (this.tags[slot] === tag && this.equals(entry - 1, bytes, start, length)) return slot;
    }
  }

  /**
   * True when the record at `position` equals the `length` bytes at `start` of
   * `bytes` (a whole record, prefix included: equal prefixes mean equal lengths).
   */
  private equals(position: number, bytes: Buffer, start: number, length: number): boolean {
    const from = position & (CHUNK_BYTES - 1);
    if (from + length > CHUNK_BYTES) return false; // a record that long would not have fitted there
    return bytes.compare(this.chunks[position >>> CHUNK_BITS]!, from, from + length, start, start + length) === 0;
  }

  /** Keeps the record {@link probe} just wrote, in the empty `slot` it returned. */
  private commit(slot: number): void {
    this.used = this.probedStart + this.probedLength;
    this.ends[this.probedChunk] = this.used;
    this.count += 1;
    this.slots[slot] = (((this.probedChunk << CHUNK_BITS) | this.probedStart) >>> 0) + 1;
    this.tags[slot] = this.probedHash & 0xff;
    if (this.count > this.slots.length * MAX_LOAD) this.grow();
  }

  /**
   * Rebuilds the table 1.25× larger from the records, read in order chunk by
   * chunk (their hashes are recomputed, not stored).
   */
  private grow(): void {
    this.rebuild(Math.ceil(this.slots.length * GROWTH));
  }

  /** Rebuilds the table with `size` slots from the records. */
  private rebuild(size: number): void {
    const slots = new Uint32Array(size);
    const tags = new Uint8Array(size);
    for (let chunk = 0; chunk < this.chunks.length; chunk++) {
      const bytes = this.chunks[chunk]!;
      const end = this.ends[chunk]!;
      for (let at = 0; at < end; ) {
        const entry = (((chunk << CHUNK_BITS) | at) >>> 0) + 1;
        let length = 0;
        for (let shift = 0; ; shift += 7) {
          const b = bytes[at++]!;
          length |= (b & 0x7f) << shift;
          if (b < 0x80) break;
        }
        const hash = fnv1a(bytes, at, at + length);
        at += length;
        let slot = ReferenceIdSet.home(hash, size);
        while (slots[slot] !== EMPTY) slot = slot + 1 === size ? 0 : slot + 1;
        slots[slot] = entry;
        tags[slot] = hash & 0xff;
      }
    }
    this.slots = slots;
    this.tags = tags;
  }
}
