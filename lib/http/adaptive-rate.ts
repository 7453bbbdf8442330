// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** How fast a rate grows in one phase: by the smaller of the two factors. @internal */
export interface Growth {
  /** Factor per admitted request. */
  readonly perRequest: number;
  /** Factor per second of admitted requests. */
  readonly perSecond: number;
}

/** The tuning of an {@link AdaptiveRate}; {@link ADAPTIVE_RATE_DEFAULTS} is what clients use. @internal */
export interface AdaptiveRateTuning {
  /** Factor applied to the rate on a 429 (multiplicative decrease), in `(0, 1)`. */
  readonly decrease: number;
  /** Growth after the first 429, until a second one gives a ceiling (slow start). */
  readonly start: Growth;
  /** Growth below `probeFrom` times the rate that drew the last 429. */
  readonly recover: Growth;
  /** Growth from there on (probing for more). */
  readonly probe: Growth;
  /** Share of the rate of the last 429 at which recovery gives way to probing, in `(0, 1]`. */
  readonly probeFrom: number;
  /** How much faster probing grows per second since the last 429 (0: constant). */
  readonly accelerate: number;
  /** Shortest span the admitted rate is measured over, ms. */
  readonly minSpanMs: number;
  /** Lowest rate, requests per second. */
  readonly minRate: number;
  /** Highest rate, requests per second. */
  readonly maxRate: number;
}

/**
 * The defaults. Cut to 0.6 on a 429. Growth is bounded both per request and
 * per second, so that a cycle from one 429 to the next is long in requests
 * (few 429s in the share, at a low rate) and in time (few server-directed
 * pauses, at a high rate). See docs/retries.md.
 *
 * @internal
 */
export const ADAPTIVE_RATE_DEFAULTS: AdaptiveRateTuning = {
  decrease: 0.6,
  start: { perRequest: 2, perSecond: 4 },
  recover: { perRequest: 1.03, perSecond: 4 },
  probe: { perRequest: 1.01, perSecond: 1.1 },
  probeFrom: 0.9,
  accelerate: 1,
  minSpanMs: 100,
  minRate: 1,
  maxRate: 100_000,
};

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The sending rate of one client, adapted to what the server admits (AIMD,
 * in the spirit of TCP's congestion control). Unlimited until the first 429.
 *
 * - **Cut** on a 429 of a request sent after the last cut (the 429s of
 *   requests already on their way when one came back are one signal, not
 *   many): the rate becomes `decrease` times the smaller of the current rate
 *   and the rate the server admitted over the last second (over the time
 *   since the first answer, when shorter). Against a token bucket of rate R
 *   and burst B the admitted rate is at most R + B per second, so the first
 *   cut lands near R whatever the client sent; and a burst that passes after
 *   a pause does not keep an inflated rate. With nothing admitted over that
 *   span the cut starts from one request in `minSpanMs`.
 * - **Grown** while requests pass that the pacer held back (an idle or
 *   app-limited client does not inflate its rate), by the smaller of a factor
 *   per request and a factor per second, so that the cycle from one 429 to
 *   the next is long in requests (a low 429 share at a low rate) and in time
 *   (few server-directed pauses at a high rate). Fast up to `probeFrom` of the
 *   rate that drew the last 429, carefully beyond it, faster the longer no
 *   429 came (so a transient 429 is soon forgotten).
 *
 * Time is passed in by the caller (scheduler ms), never read.
 *
 * @example
 * // internal (lib/http/adaptive-rate.ts), not part of the package root
 * const rate = new AdaptiveRate();
 * rate.admitted(0, false);
 * rate.rateLimited(5, 1);  // first 429: 0.6 × the admitted rate
 * rate.intervalMs();       // ms between two releases
 *
 * @internal
 */
export class AdaptiveRate {
  /** Requests per second; `undefined` while unlimited (no 429 seen yet). */
  private rate: number | undefined = undefined;
  /** The rate that drew the last 429 (undefined until the second cut). */
  private ceiling: number | undefined = undefined;
  private lastCutAt = -Infinity;
  private lastGrowthAt = -Infinity;
  // admissions in the current and the previous one-second window
  private windowStart = -Infinity;
  private current = 0;
  private previous = 0;
  private firstAt = Infinity;

  constructor(private readonly tuning: AdaptiveRateTuning = ADAPTIVE_RATE_DEFAULTS) {}

  /** Requests per second now, or `undefined` while unlimited. */
  perSecond(): number | undefined {
    return this.rate;
  }

  /** Milliseconds between two releases, or `undefined` while unlimited. */
  intervalMs(): number | undefined {
    return this.rate === undefined ? undefined : 1000 / this.rate;
  }

  /**
   * A request passed (any answer but a 429) at `now`; `held` says whether the
   * pacer made it wait, i.e. the rate was what limited it.
   */
  admitted(now: number, held: boolean): void {
    this.count(now);
    if (this.rate === undefined) return;
    // growth is measured from the last answer, at most two intervals back, so
    // a gap in traffic is not growth
    const from = Math.max(this.lastGrowthAt, now - 2000 / this.rate);
    this.lastGrowthAt = now;
    if (!held || now <= from) return;
    const { start, recover, probe, probeFrom } = this.tuning;
    const growth =
      this.ceiling === undefined ? start : this.rate < this.ceiling * probeFrom ? recover : probe;
    // the longer since the last 429, the faster (as TCP CUBIC's convex region):
    // a limit once found is approached with care, a transient 429 soon forgotten
    const k = growth === probe ? 1 + (this.tuning.accelerate * (now - this.lastCutAt)) / 1000 : 1;
    const factor = Math.min(
      growth.perRequest ** k,
      growth.perSecond ** ((k * (now - from)) / 1000),
    );
    this.rate = Math.min(this.tuning.maxRate, this.rate * factor);
  }

  /** A request sent at `sentAt` was answered 429 at `now`. */
  rateLimited(now: number, sentAt: number): void {
    if (sentAt <= this.lastCutAt) return; // on its way before the last cut: the same signal
    this.lastCutAt = now;
    this.lastGrowthAt = now;
    if (this.rate !== undefined) this.ceiling = this.rate;
    // nothing admitted over the last second (the first answers are 429s, or the first after a pause):
    // as if one request had passed in the shortest span, so that a lone 429 does not pace the client
    // at minRate (one a second, climbing back for seconds); 429s that go on still cut it down to minRate
    const admitted = this.admittedPerSecond(now) || 1000 / this.tuning.minSpanMs;
    this.rate = this.clamp(Math.min(this.rate ?? Infinity, admitted) * this.tuning.decrease);
  }

  private clamp(rate: number): number {
    return Math.min(this.tuning.maxRate, Math.max(this.tuning.minRate, rate));
  }

  private roll(now: number): void {
    const elapsed = now - this.windowStart;
    if (elapsed < 1000) return;
    this.previous = elapsed < 2000 ? this.current : 0;
    this.current = 0;
    this.windowStart = elapsed < 2000 ? this.windowStart + 1000 : now;
  }

  private count(now: number): void {
    if (this.firstAt === Infinity) this.firstAt = now;
    this.roll(now);
    this.current += 1;
  }

  /**
   * Requests admitted per second over the last second, or over the time
   * since the first one when that is shorter (at least `minSpanMs`), so that
   * a 429 soon after start-up is not read as a server admitting one a second.
   */
  private admittedPerSecond(now: number): number {
    this.roll(now);
    const intoWindow = Math.min(1, Math.max(0, (now - this.windowStart) / 1000));
    const count = this.current + this.previous * (1 - intoWindow);
    const span = Math.max(this.tuning.minSpanMs, Math.min(1000, now - this.firstAt));
    return (count * 1000) / span;
  }
}
