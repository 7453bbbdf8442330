// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Bytes of `{"members":[]}`, the body around the members. @internal */
export const ENVELOPE_BYTES = Buffer.byteLength(JSON.stringify({ members: [] }), 'utf8');

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The incremental batcher behind `toSyncBatches` and `syncRoster`: it keeps
 * the running body size (envelope + members + commas) instead of
 * re-serialising the batch.
 *
 * @example
 * // internal (lib/internal/sync-batcher.ts)
 * const batcher = new SyncBatcher<MemberInput>(1000, 1_000_000);
 * for (const m of members) batcher.push(m, memberBytes(m), send);
 * const rest = batcher.flush();
 * if (rest) send(rest);
 *
 * @internal
 */
export class SyncBatcher<A> {
  private items: A[] = [];
  private bytes = ENVELOPE_BYTES;

  constructor(
    readonly maxMembers: number,
    readonly maxBytes: number,
  ) {}

  /** Members held in the open batch. */
  get size(): number {
    return this.items.length;
  }

  /** Body bytes of the open batch. */
  get bodyBytes(): number {
    return this.bytes;
  }

  /** True when a member of `bytes` bytes cannot fit even in an empty batch. */
  tooLarge(bytes: number): boolean {
    return ENVELOPE_BYTES + bytes > this.maxBytes;
  }

  /**
   * Adds one member of `bytes` bytes (see `memberBytes`); calls `emit`
   * with each batch this closes (zero, one or two: the open one when the member
   * does not fit, the new one when it reaches `maxMembers` or `maxBytes`).
   * The caller checks {@link tooLarge} first.
   */
  push(item: A, bytes: number, emit: (batch: A[]) => void): void {
    if (this.items.length > 0 && this.bytes + 1 + bytes > this.maxBytes) emit(this.take());
    this.bytes += (this.items.length > 0 ? 1 : 0) + bytes;
    this.items.push(item);
    if (this.items.length >= this.maxMembers || this.bytes >= this.maxBytes) emit(this.take());
  }

  /** Closes and returns the open batch, or `undefined` when it is empty. */
  flush(): A[] | undefined {
    return this.items.length > 0 ? this.take() : undefined;
  }

  private take(): A[] {
    const batch = this.items;
    this.items = [];
    this.bytes = ENVELOPE_BYTES;
    return batch;
  }
}
