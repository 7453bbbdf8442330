import type { Issue } from '../errors';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Longest timer Node can run, in ms: a longer one fires after 1 ms. Every duration option is at most this. */
export const MAX_TIMER_MS = 2_147_483_647;

/** The options read once, and what could not be read. @internal */
export interface ReadOptions<K extends string> {
  readonly values: Partial<Record<K, unknown>>;
  readonly issues: ReadonlyArray<Issue>;
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const describe = (e: unknown): string => {
  try {
    return e instanceof Error ? e.message : String(e);
  } catch {
    return 'an unprintable value';
  }
};

/**
 * Reads each of `keys` from an options value exactly once, so a getter that
 * throws, a Proxy whose traps throw, or an options value that is not an object
 * at all becomes an {@link Issue} instead of a raw exception. `undefined` is
 * no options; `null` and other non-objects are an issue at `path` (`''` when
 * not given).
 *
 * @example
 * // internal (lib/internal/read-options.ts)
 * readOptions({ get factor() { throw new Error('no') } }, ['factor']).issues;
 * // [{ path: 'factor', message: 'could not be read: no' }]
 *
 * @internal
 */
export const readOptions = <K extends string>(
  options: unknown,
  keys: ReadonlyArray<K>,
  path = '',
): ReadOptions<K> => {
  const values: Partial<Record<K, unknown>> = {};
  const issues: Issue[] = [];
  if (options === undefined) return { values, issues };
  if (options === null || (typeof options !== 'object' && typeof options !== 'function')) {
    issues.push({ path, message: `must be an object of options, got ${options === null ? 'null' : typeof options}` });
    return { values, issues };
  }
  for (const key of keys) {
    try {
      const value: unknown = (options as Record<string, unknown>)[key];
      if (value !== undefined) values[key] = value;
    } catch (e) {
      issues.push({ path: path === '' ? key : `${path}.${key}`, message: `could not be read: ${describe(e)}` });
    }
  }
  return { values, issues };
};

/**
 * True for a finite number of ms from `min` to {@link MAX_TIMER_MS}.
 *
 * @example
 * // internal (lib/internal/read-options.ts)
 * isDurationMs(2 ** 31, 0); // false
 *
 * @internal
 */
export const isDurationMs = (n: unknown, min: number): n is number =>
  typeof n === 'number' && Number.isFinite(n) && n >= min && n <= MAX_TIMER_MS;

/**
 * True for a finite integer above 0.
 *
 * @example
 * // internal (lib/internal/read-options.ts)
 * isPositiveInteger(3); // true
 * isPositiveInteger(1.5); // false
 *
 * @internal
 */
export const isPositiveInteger = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0;

/**
 * A value for an issue message, never throwing (a Proxy or a BigInt prints too).
 *
 * @example
 * // internal (lib/internal/read-options.ts)
 * shown(Symbol('x')); // 'Symbol(x)'
 *
 * @internal
 */
/**
 * A value's kind in one word, for an issue about it: `null`, `array`, or its
 * `typeof`.
 *
 * @internal
 * @example
 * kindOf([]); // 'array'
 */
export const kindOf = (u: unknown): string => (u === null ? 'null' : Array.isArray(u) ? 'array' : typeof u);

export const shown = (value: unknown): string => {
  try {
    return typeof value === 'object' && value !== null ? Object.prototype.toString.call(value) : String(value);
  } catch {
    return 'an unprintable value';
  }
};
