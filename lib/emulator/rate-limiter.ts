import type { RateLimitOptions } from './types';

/** What {@link RateLimiter.take} decides. */
export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

/**
 * A token bucket per key: `burst` tokens, refilled continuously at
 * `requestsPerSecond`; each request takes one. Time comes from `now`, so tests
 * drive it. One bucket per API key, so memory is bounded by the keys configured.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/rate-limiter.ts)
 * const limiter = new RateLimiter({ requestsPerSecond: 1, burst: 1 }, Date.now);
 * limiter.take('key'); // { allowed: true }
 * limiter.take('key'); // { allowed: false, retryAfterMs: 1000 }
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number,
  ) {
    if (!(options.requestsPerSecond > 0) || !Number.isFinite(options.requestsPerSecond))
      throw new RangeError(`rateLimit.requestsPerSecond must be a positive number, got ${options.requestsPerSecond}`);
    if (!(options.burst >= 1) || !Number.isFinite(options.burst))
      throw new RangeError(`rateLimit.burst must be at least 1, got ${options.burst}`);
  }

  /** Takes a token for `key`, or says how long until one is available. */
  take(key: string): RateDecision {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.options.burst, at: now };
    const elapsed = Math.max(0, now - bucket.at);
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + (elapsed / 1000) * this.options.requestsPerSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    const retryAfterMs = Math.max(1, Math.ceil(((1 - bucket.tokens) / this.options.requestsPerSecond) * 1000));
    return { allowed: false, retryAfterMs };
  }
}
