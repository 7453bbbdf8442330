// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * How many batches a sync keeps submitted but not yet settled, and how that
 * number reacts to what the server does. @internal
 */
export interface ConcurrencyLimit {
  /** Batches allowed in flight now (at least 1). */
  readonly current: number;
  /** A token to give back with the outcome of a submit sent now. */
  sent(): number;
  /** The server accepted a submit after `latencyMs` (from subscription to the 202). */
  accepted(token: number, latencyMs: number): void;
  /** A submit failed in a way that says the server is pushing back (5xx, timeout, dropped connection, 429). */
  pushedBack(token: number): void;
  /** A batch the server had accepted left the sync (completed or failed while polling). */
  released(): void;
}

/** Settings of {@link adaptiveConcurrency}. @internal */
export interface AdaptiveSettings {
  /** Where it starts (default 1: the first submits find out the rate limit before many are in flight). */
  readonly initial: number;
  /** Never below (default 1). */
  readonly min: number;
  /** Never more batches in flight than this (default 256: with 1000 members a batch, 4 MB of entries at most). */
  readonly max: number;
  /** Never more submits awaiting their answer than this (default 32). */
  readonly maxSubmits: number;
  /** A round trip counts as stretched above `stretch × fastest + slackMs` (defaults 2 and 250 ms). */
  readonly stretch: number;
  readonly slackMs: number;
  /** Kept on each back-off (default 0.8). */
  readonly backOff: number;
}

/** Defaults of {@link adaptiveConcurrency}. @internal */
export const ADAPTIVE_DEFAULTS: AdaptiveSettings = {
  initial: 1,
  min: 1,
  max: 256,
  maxSubmits: 32,
  stretch: 2,
  slackMs: 250,
  backOff: 0.8,
};

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A fixed limit: `syncRoster` with an explicit `concurrency`.
 *
 * @example
 * // internal (lib/pipelines/concurrency-limit.ts)
 * fixedConcurrency(4).current; // 4
 *
 * @internal
 */
export const fixedConcurrency = (n: number): ConcurrencyLimit => ({
  current: n,
  sent: () => 0,
  accepted: () => undefined,
  pushedBack: () => undefined,
  released: () => undefined,
});

/**
 * The default limit of `syncRoster`: the batches the server has accepted and
 * is processing, plus a latency-based window of submits awaiting their answer
 * (like TCP Vegas), up to `max`.
 *
 * The server's rate limit is absorbed by the client's shared gate, so the
 * pipeline sees pushback mainly as **submit round trips that stretch** (the
 * request waited in the gate or in a busy server) and as submits that fail.
 * So the **submit window**:
 * - grows by one with each 202 whose round trip stays near the fastest seen
 *   (`<= stretch × fastest + slackMs`): slow start, doubling every round trip
 *   while the server keeps up;
 * - is multiplied by `backOff` on a stretched round trip or a failed submit,
 *   at most once per round trip (outcomes of submits sent before the last
 *   back-off do not back off again: `token`);
 * - stays between `min` and `maxSubmits`.
 *
 * Why only the submits adapt: a batch the server accepted waits out the
 * processing time D holding two numbers a member, and keeping R/2 batches a
 * second moving (a submit and a poll each, at R requests a second) takes about
 * R/2 × D of them in flight: 1 for a fast server, 500 for (R = 100, D = 10 s).
 * Cutting those when the gate queues would idle the server; what the gate
 * queue costs is the submits waiting in it, each holding its members. So the
 * batches in flight grow as fast as the server accepts them (Little's law
 * keeps them near rate × D), and shrink as soon as submits stop being accepted.
 *
 * @example
 * // internal (lib/pipelines/concurrency-limit.ts)
 * const limit = adaptiveConcurrency();
 * limit.accepted(limit.sent(), 20);
 * limit.current; // 3: one batch processing, a window of 2 submits
 *
 * @internal
 */
export const adaptiveConcurrency = (settings: Partial<AdaptiveSettings> = {}): ConcurrencyLimit => {
  const s: AdaptiveSettings = { ...ADAPTIVE_DEFAULTS, ...settings };
  let window = Math.min(s.maxSubmits, Math.max(s.min, s.initial));
  let processing = 0; // accepted, not yet released
  let fastest = Infinity;
  let epoch = 0; // bumped by each back-off
  const backOff = (token: number): void => {
    if (token !== epoch) return; // sent before the last back-off: already reacted to
    epoch++;
    window = Math.max(s.min, window * s.backOff);
  };
  return {
    get current() {
      return Math.min(s.max, processing + Math.max(s.min, Math.floor(window)));
    },
    sent: () => epoch,
    accepted: (token, latencyMs) => {
      processing++;
      fastest = Math.min(fastest, latencyMs);
      if (latencyMs > s.stretch * fastest + s.slackMs) backOff(token);
      else window = Math.min(s.maxSubmits, window + 1);
    },
    pushedBack: backOff,
    released: () => {
      processing = Math.max(0, processing - 1);
    },
  };
};
