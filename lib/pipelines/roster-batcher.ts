import type { MemberInput } from '../codecs';
import { SyncBatcher } from '../internal/sync-batcher';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * What a batch keeps once its members are handed to `submit`: for each member
 * in batch order, its handle in the set of accepted `reference_id`s (which
 * gives the id back) and its position in the source: enough for `completed`,
 * `failed` and the failures list, in two numbers a member, off the heap.
 *
 * @internal
 */
export interface SentBatch {
  /** 0, 1, 2, … in the order batches close: the same roster and options give the same batches (for a journal). */
  readonly seq: number;
  readonly size: number;
  /** `[handle, index, handle, index, …]`. */
  readonly entries: Float64Array;
}

/** A batch just closed: its record, and the members to send (left to the request, which needs them until its body is sent). @internal */
export interface ClosedBatch {
  readonly batch: SentBatch;
  readonly members: MemberInput[];
  /** Each member's fingerprint (see `MemberMeasure`), in batch order: a journal's digest of the batch. */
  readonly fingerprints: Uint32Array;
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The batcher of a roster sync: it owns the open batch's members and their
 * entries (`handle`, `index`, `fingerprint`), closes batches by `maxMembers`
 * and `maxBytes` (see `SyncBatcher`), and numbers them in order.
 *
 * @example
 * // internal (lib/pipelines/roster-batcher.ts)
 * const batcher = new RosterBatcher(1000, 1_000_000);
 * batcher.push(member, bytes, handle, index, fingerprint, (closed) => send(closed));
 * const rest = batcher.flush();
 *
 * @internal
 */
export class RosterBatcher {
  private readonly members: SyncBatcher<MemberInput>;
  /** `[handle, index, fingerprint, …]` of the open batch, in order (plus the member being pushed, if any). */
  private open: number[] = [];
  private nextSeq = 0;

  constructor(maxMembers: number, maxBytes: number) {
    this.members = new SyncBatcher<MemberInput>(maxMembers, maxBytes);
  }

  /** Members in the open batch. */
  get size(): number {
    return this.members.size;
  }

  /** Batches closed so far. */
  get closed(): number {
    return this.nextSeq;
  }

  /** Adds an admitted member; `emit` gets each batch this closes (zero, one or two). */
  push(
    member: MemberInput,
    bytes: number,
    handle: number,
    index: number,
    fingerprint: number,
    emit: (closed: ClosedBatch) => void,
  ): void {
    this.open.push(handle, index, fingerprint);
    this.members.push(member, bytes, (members) => emit(this.seal(members)));
  }

  /** Closes the open batch, if it holds any member. */
  flush(): ClosedBatch | undefined {
    const rest = this.members.flush();
    return rest ? this.seal(rest) : undefined;
  }

  /** The members of a batch just closed are the first `members.length` of `open`. */
  private seal(members: MemberInput[]): ClosedBatch {
    const size = members.length;
    const open = this.open;
    const entries = new Float64Array(2 * size);
    const fingerprints = new Uint32Array(size);
    for (let i = 0; i < size; i++) {
      entries[2 * i] = open[3 * i]!;
      entries[2 * i + 1] = open[3 * i + 1]!;
      fingerprints[i] = open[3 * i + 2]!;
    }
    this.open = open.length === 3 * size ? [] : open.slice(3 * size);
    return { batch: { seq: this.nextSeq++, size, entries }, members, fingerprints };
  }
}
