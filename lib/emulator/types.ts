import type { MemberInput } from '../codecs';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** One organization the emulator serves: its API key, id and plans. */
export interface EmulatorOrganization {
  /** The bearer token that authenticates as this organization. */
  readonly apiKey: string;
  /** `org_…` id; generated when absent. */
  readonly id?: string;
  /** `pln_…` plans members may be enrolled in; three are generated when absent. */
  readonly planIds?: ReadonlyArray<string>;
}

/** A token bucket per API key: `burst` requests at once, refilled at `requestsPerSecond`. */
export interface RateLimitOptions {
  readonly requestsPerSecond: number;
  readonly burst: number;
  /**
   * Also send `retry-after-ms` with the exact wait (default false). By default
   * a 429 carries only `Retry-After` in whole seconds (rounded up), as most
   * real servers send it.
   */
  readonly retryAfterMs?: boolean;
}

/**
 * Seeded fault injection. Every rate is a probability per request (0 to 1);
 * the same `seed` gives the same sequence of outcomes for the same sequence of requests.
 */
export interface FaultOptions {
  /** Seed of the fault PRNG (default 1). `setFaults` restarts the sequence from it. */
  readonly seed?: number;
  /** Share of requests answered 500 or 503 (without touching any state). */
  readonly errorRate?: number;
  /** Share of requests whose connection is destroyed without an answer, before or after the request took effect. */
  readonly dropRate?: number;
  /** Added before each request is handled, in ms. */
  readonly latencyMs?: number;
  /** Extra latency, uniformly drawn between 0 and this, in ms. */
  readonly latencyJitterMs?: number;
  /** Share of requests answered 429 (in addition to any `rateLimit`). */
  readonly rateLimitRate?: number;
  /** The wait injected 429s ask for, in ms (default 1000), sent as `retry-after-ms` and `Retry-After`. */
  readonly retryAfterMs?: number;
}

/** Options of {@link startEmulator}; every one is optional. */
export interface EmulatorOptions {
  /** TCP port (default 0: a free one). */
  readonly port?: number;
  /** Interface to listen on (default `127.0.0.1`). */
  readonly host?: string;
  /** Replaces the default demo organization (key {@link DEMO_API_KEY}). */
  readonly organizations?: ReadonlyArray<EmulatorOrganization>;
  /** How long a sync batch stays in flight, in ms (default 250). */
  readonly processingDelayMs?: number;
  /** Largest `members` array one sync accepts (default 1000). */
  readonly maxMembersPerSync?: number;
  /** Off by default. */
  readonly rateLimit?: RateLimitOptions;
  /** Off by default. */
  readonly faults?: FaultOptions;
}

/** What the emulator has served since it started: counters only, never logs. */
export interface EmulatorStats {
  /** Every request received. */
  readonly requests: number;
  /** Route (`'GET /v1/groups/:id'`) → status (`'200'`, or `'dropped'`) → count. */
  readonly byRoute: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Requests answered from the idempotency table. */
  readonly idempotentReplays: number;
  /** Sync batches answered 202. */
  readonly batchesAccepted: number;
  /** Sync batches whose processing finished. */
  readonly batchesProcessed: number;
  /** Processed batches whose member payload equals one already processed for the same group. */
  readonly duplicateBatches: number;
  /** Injected or rate-limit outcomes. */
  readonly faults: { readonly errors: number; readonly drops: number; readonly rateLimited: number };
}

/** A member as the emulator stores it: its `grpmbr_` id and its (normalised) fields. */
export type StoredMember = MemberInput & { readonly id: string };

/** A running emulator. */
export interface Emulator {
  /** `http://host:port`, without a trailing slash. */
  readonly url: string;
  /** The API key of the first organization. */
  readonly apiKey: string;
  /** The id of the first organization. */
  readonly organizationId: string;
  /** The plans of the first organization. */
  readonly planIds: ReadonlyArray<string>;
  /** Closes the server and every connection at once; batches in flight are dropped. Safe to call twice. */
  stop(): Promise<void>;
  /** Replaces the fault settings (`undefined` turns faults off) and restarts the fault sequence from its seed. */
  setFaults(faults: FaultOptions | undefined): void;
  /** A snapshot of the counters. */
  stats(): EmulatorStats;
  /** The group's current members, in the order they were (re)added; empty for an unknown group. */
  members(groupId: string): ReadonlyArray<StoredMember>;
}
