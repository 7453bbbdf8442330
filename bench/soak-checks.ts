/**
 * What `npm run soak` and `npm run soak:crash` share: the emulator's faults,
 * the ground truth of the soak roster (known from the generator, independently
 * of the library), the field-by-field comparison of a stored member with what
 * the library must have sent, and the list of invariants they print.
 */
import type { FaultOptions, StoredMember } from '../lib/emulator';
import { referenceId, soakKind } from './members';
import type { ExpectedMember } from './members';

/** The faults both soaks inject on top of their rate limit: 10% 5xx, 5% dropped connections, 5% injected 429, latency jitter. */
export const SOAK_FAULTS: FaultOptions = {
  seed: 20260115,
  errorRate: 0.1,
  dropRate: 0.05,
  rateLimitRate: 0.05,
  retryAfterMs: 100,
  latencyMs: 2,
  latencyJitterMs: 30,
};

/** What the soak roster of `size` members must give, from the generator alone. */
export interface SoakTruth {
  /** Source indexes the library must reject: invalid members and repeated reference ids. */
  readonly expectedInvalid: ReadonlySet<number>;
  /** reference_id → index of the occurrence that is sent. */
  readonly sent: ReadonlyMap<string, number>;
  /** reference_ids sent with a plan the server does not know (a server failure each). */
  readonly unknownPlan: ReadonlySet<string>;
}

/** The ground truth of the soak roster of `size` members. */
export const soakTruth = (size: number): SoakTruth => {
  const expectedInvalid = new Set<number>();
  const sent = new Map<string, number>();
  const unknownPlan = new Set<string>();
  for (let i = 0; i < size; i++) {
    const kind = soakKind(i);
    if (kind === 'invalid' || kind === 'duplicate') expectedInvalid.add(i);
    else sent.set(referenceId(i), i);
    if (kind === 'unknown-plan') unknownPlan.add(referenceId(i));
  }
  return { expectedInvalid, sent, unknownPlan };
};

/** Every field of a member, in a fixed order, as one comparable string (absent and `null` alike, as the server stores them). */
const fields = (m: ExpectedMember | StoredMember): string =>
  JSON.stringify([
    m.reference_id,
    m.first_name,
    m.last_name,
    m.date_of_birth,
    m.phone,
    m.plan_id,
    m.email ?? null,
    m.address.address_line_1,
    m.address.address_line_2 ?? null,
    m.address.city,
    m.address.state,
    m.address.zipcode,
  ]);

/** `undefined` when the stored member holds exactly the expected fields; otherwise both, for the report. */
export const memberDifference = (stored: StoredMember, expected: ExpectedMember): string | undefined => {
  const a = fields(stored);
  const b = fields(expected);
  return a === b ? undefined : `stored ${a}, expected ${b}`;
};

/** One checked invariant. */
export interface Invariant {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** The invariants of a soak, in the order checked. */
export class Invariants {
  readonly list: Invariant[] = [];

  /** Records one invariant and what was measured for it. */
  check(name: string, ok: boolean, detail: string): void {
    this.list.push({ name, ok, detail });
  }

  /** True when every invariant held. */
  get passed(): boolean {
    return this.list.every((i) => i.ok);
  }

  /** Prints each invariant, then the verdict and the elapsed time. */
  print(elapsedS: number): void {
    for (const i of this.list) console.log(`${i.ok ? 'ok  ' : 'FAIL'} ${i.name}: ${i.detail}`);
    console.log(`${this.passed ? 'All invariants held' : 'AN INVARIANT FAILED'}; elapsed ${elapsedS.toFixed(1)} s.`);
  }
}
