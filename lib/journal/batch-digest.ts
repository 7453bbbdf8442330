import type { MemberInput } from '../codecs';
import { MemberMeasure } from '../pipelines/member-measure';

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const FNV_PRIME = 0x01000193;
const FNV_OFFSET = 0x811c9dc5;
const MURMUR_M = 0x5bd1e995;

const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');

// -------------------------------------------------------------------------------------
// digest
// -------------------------------------------------------------------------------------

/**
 * The digest of a batch from its members' fingerprints in batch order (see
 * `MemberMeasure`: FNV-1a over every field of the normalised `MemberInput`,
 * the values that are sent), folded with FNV-1a over the 32-bit fingerprints
 * plus a second 32-bit lane mixing the first at each member, written as
 * `<size>:<16 hex digits>`. Equal batches give equal digests; a change to any
 * field, to the order or to the membership of a batch changes it but for a
 * chance of about 2^-32. It is not cryptographic: it detects an edited
 * roster, it does not defend against a forged one.
 *
 * The fingerprints are taken while each member's size is counted, in the
 * same walk over its strings, so re-reading the completed part of a roster
 * on resume costs little more than validation.
 *
 * @example
 * // internal (lib/journal/batch-digest.ts)
 * digestOf([0x1234abcd, 0x9f86d081]); // '2:…16 hex digits'
 *
 * @internal
 */
export const digestOf = (fingerprints: ArrayLike<number>): string => {
  let h = FNV_OFFSET;
  let k = 0x3c6ef372; // a second lane: the first one's state at each member, mixed
  for (let i = 0; i < fingerprints.length; i++) {
    h = Math.imul(h ^ fingerprints[i]!, FNV_PRIME);
    k = Math.imul(k ^ h, MURMUR_M);
    k ^= k >>> 15;
  }
  return `${fingerprints.length}:${hex8(h)}${hex8(k)}`;
};

/**
 * The fingerprints of decoded members, in order (what a sync takes one by
 * one as it measures them).
 *
 * @example
 * // internal (lib/journal/batch-digest.ts)
 * fingerprintsOf(members); // Uint32Array [ … ]
 *
 * @internal
 */
export const fingerprintsOf = (members: ReadonlyArray<MemberInput>): Uint32Array => {
  const measure = new MemberMeasure(true);
  const out = new Uint32Array(members.length);
  members.forEach((m, i) => {
    measure.of(m);
    out[i] = measure.fingerprint;
  });
  return out;
};

/**
 * The digest of a batch of decoded members: {@link digestOf} of their
 * fingerprints, what a sync records for the batch.
 *
 * @example
 * // internal (lib/journal/batch-digest.ts)
 * batchDigest(members); // '1000:9f86d081884c7d65'
 *
 * @internal
 */
export const batchDigest = (members: ReadonlyArray<MemberInput>): string => digestOf(fingerprintsOf(members));
