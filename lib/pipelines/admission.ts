import { isLeft } from 'fp-ts/Either';
import { MemberInput, toIssues } from '../codecs';
import { MEMBER_KEYS } from '../codecs/member-fast-path';
import type { Issue } from '../errors';
import { MemberMeasure } from './member-measure';
import { shown } from '../internal/read-options';
import { oversizeMessage } from '../operators/resolve-batch-options';
import { ReferenceIdSet } from '../internal/reference-id-set';
import { ENVELOPE_BYTES } from '../internal/sync-batcher';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A member that may be sent: decoded, measured, and the first with its `reference_id`. @internal */
export interface Admitted {
  readonly kind: 'admitted';
  readonly member: MemberInput;
  /** UTF-8 bytes of the member inside the body's array. */
  readonly bytes: number;
  /** Its `reference_id`'s handle in the set of accepted ids (which gives the id back). */
  readonly handle: number;
  /** Its fingerprint for a journal's batch digest (see `MemberMeasure`); 0 without fingerprints. */
  readonly fingerprint: number;
}

/** A member that is never sent, with why. @internal */
export interface Rejected {
  readonly kind: 'rejected';
  readonly referenceId?: string;
  readonly issues: ReadonlyArray<Issue>;
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const referenceIdOf = (value: unknown): string | undefined => {
  try {
    if (value === null || typeof value !== 'object') return undefined;
    const ref = (value as { reference_id?: unknown }).reference_id;
    return typeof ref === 'string' && ref.trim().length > 0 ? ref : undefined;
  } catch {
    return undefined; // a getter or a Proxy trap that throws: the member is rejected for that below
  }
};

/**
 * Throws when a decoded member's source holds, among the keys the codec does
 * not read (never sent), something no serialiser could write: a cycle, a
 * BigInt, a getter that throws. Such a member "cannot be read" as given
 * (API.md), as `toSyncBatches` judges it. Its keys are counted first (a
 * `for…in`, about 40 ns); the unknown ones are looked at only when there are
 * more keys than the codec's, and each is read once, the only time it is.
 */
const checkUnknownKeys = (value: unknown, decoded: MemberInput): void => {
  if (value === null || typeof value !== 'object') return;
  let keys = 0;
  for (const _ in value) keys++;
  if (keys <= ('email' in decoded ? 8 : 7)) return;
  for (const key of Object.keys(value)) {
    if (MEMBER_KEYS.has(key)) continue;
    const v: unknown = (value as Record<string, unknown>)[key];
    try {
      if (typeof v === 'bigint') throw new TypeError('a BigInt, which JSON cannot hold');
      if (typeof v === 'object' && v !== null) JSON.stringify(v);
    } catch (e) {
      const why = e instanceof Error ? (e.message.split('\n')[0] ?? e.message) : shown(e);
      throw new Error(`its "${key}" cannot be serialised: ${why}`, { cause: e });
    }
  }
};

const reason = (e: unknown): string => {
  try {
    return e instanceof Error ? e.message : shown(e);
  } catch {
    return 'an unprintable error';
  }
};

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The first step of a roster sync: validates a raw member (the `MemberInput`
 * codec), sizes it against `maxBytes`, and de-duplicates it by `reference_id`
 * (the first valid occurrence wins; an earlier invalid one does not block a
 * later valid one). Only the set of accepted ids is kept, off the heap.
 *
 * Nothing a member does escapes: a throwing getter, a Proxy whose traps throw,
 * or a value that cannot be serialised (a BigInt, a cycle), among the fields
 * it sends or the keys it does not, makes it `rejected` with an issue saying
 * it cannot be read.
 *
 * @example
 * // internal (lib/pipelines/admission.ts)
 * const admission = new Admission(1_000_000);
 * admission.admit({ reference_id: 'EMP-1' }).kind; // 'rejected' (first_name is required, …)
 *
 * @internal
 */
export class Admission {
  /** The `reference_id`s admitted so far (about 20 bytes a short id, off the heap). */
  readonly seen = new ReferenceIdSet();

  private readonly measure: MemberMeasure;

  /** `fingerprints`: also take each member's fingerprint (a sync with a journal digests its batches). */
  constructor(
    readonly maxBytes: number,
    fingerprints = false,
  ) {
    this.measure = new MemberMeasure(fingerprints);
  }

  /** Admits or rejects one raw member. Never throws. */
  admit(value: unknown): Admitted | Rejected {
    let member: MemberInput;
    let bytes: number;
    try {
      const decoded = MemberInput.decode(value);
      if (isLeft(decoded)) return this.rejected(referenceIdOf(value), toIssues(decoded.left));
      member = decoded.right;
      checkUnknownKeys(value, member);
      bytes = this.measure.of(member);
    } catch (e) {
      return this.rejected(referenceIdOf(value), [{ path: '', message: `cannot be read: ${reason(e)}` }]);
    }
    const ref = member.reference_id;
    if (ENVELOPE_BYTES + bytes > this.maxBytes)
      return this.rejected(ref, [{ path: '', message: oversizeMessage(bytes, this.maxBytes) }]);
    const handle = this.seen.insert(ref);
    if (handle === ReferenceIdSet.PRESENT)
      return this.rejected(ref, [
        { path: 'reference_id', message: `repeats "${ref}" of an earlier member of this roster; it is sent once` },
      ]);
    return { kind: 'admitted', member, bytes, handle, fingerprint: this.measure.fingerprint };
  }

  private rejected(referenceId: string | undefined, issues: ReadonlyArray<Issue>): Rejected {
    return referenceId !== undefined ? { kind: 'rejected', referenceId, issues } : { kind: 'rejected', issues };
  }
}
