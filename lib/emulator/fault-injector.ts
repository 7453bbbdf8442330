import type { FaultOptions } from './types';
import { mulberry32 } from '../internal/mulberry32';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The fault decided for one request. */
export interface FaultOutcome {
  /** Wait this long before handling the request, in ms. */
  readonly latencyMs: number;
  /** Answer 429 asking for this wait (ms) instead of handling. */
  readonly rateLimitMs?: number;
  /** Answer this 5xx status instead of handling. */
  readonly errorStatus?: 500 | 503;
  /** Destroy the connection without answering, before or after the request takes effect. */
  readonly drop?: 'before' | 'after';
}

const NONE: FaultOutcome = { latencyMs: 0 };

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------


const checkRate = (name: string, value: number | undefined): void => {
  if (value !== undefined && !(value >= 0 && value <= 1))
    throw new RangeError(`faults.${name} must be between 0 and 1, got ${value}`);
};

const checkMs = (name: string, value: number | undefined): void => {
  if (value !== undefined && !(value >= 0 && Number.isFinite(value)))
    throw new RangeError(`faults.${name} must be a number of ms >= 0, got ${value}`);
};

// -------------------------------------------------------------------------------------
// injector
// -------------------------------------------------------------------------------------

/**
 * Decides, request by request, which fault (if any) the emulator injects. Each
 * request draws exactly five numbers from a mulberry32 stream seeded with
 * `faults.seed`, so the same seed and the same sequence of requests give the
 * same sequence of outcomes, whatever the rates.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/fault-injector.ts)
 * const faults = new FaultInjector({ seed: 7, errorRate: 0.5 });
 * faults.next(); // e.g. { latencyMs: 0, errorStatus: 503 }
 */
export class FaultInjector {
  private faults: FaultOptions | undefined;
  private random: () => number = mulberry32(1);

  constructor(faults?: FaultOptions) {
    this.set(faults);
  }

  /** Replaces the settings and restarts the sequence from the seed; `undefined` turns faults off. */
  set(faults: FaultOptions | undefined): void {
    if (faults !== undefined) {
      checkRate('errorRate', faults.errorRate);
      checkRate('dropRate', faults.dropRate);
      checkRate('rateLimitRate', faults.rateLimitRate);
      checkMs('latencyMs', faults.latencyMs);
      checkMs('latencyJitterMs', faults.latencyJitterMs);
      checkMs('retryAfterMs', faults.retryAfterMs);
      if (faults.seed !== undefined && !Number.isFinite(faults.seed))
        throw new RangeError(`faults.seed must be a number, got ${faults.seed}`);
    }
    this.faults = faults;
    this.random = mulberry32(faults?.seed ?? 1);
  }

  /** The fault for the next request. */
  next(): FaultOutcome {
    const f = this.faults;
    if (f === undefined) return NONE;
    const [uRate, uError, uDrop, uPhase, uJitter] = [this.random(), this.random(), this.random(), this.random(), this.random()];
    const latencyMs = (f.latencyMs ?? 0) + Math.round(uJitter * (f.latencyJitterMs ?? 0));
    const errorRate = f.errorRate ?? 0;
    if (uRate < (f.rateLimitRate ?? 0)) return { latencyMs, rateLimitMs: f.retryAfterMs ?? 1000 };
    if (uError < errorRate) return { latencyMs, errorStatus: uError < errorRate / 2 ? 503 : 500 };
    if (uDrop < (f.dropRate ?? 0)) return { latencyMs, drop: uPhase < 0.5 ? 'before' : 'after' };
    return { latencyMs };
  }
}
