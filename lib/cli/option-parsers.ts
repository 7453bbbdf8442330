import { InvalidArgumentError } from 'commander';

/**
 * A commander argument parser for an integer within `[min, max]`; anything
 * else is a usage error (exit status 2) saying what was expected.
 *
 * @internal
 * @example
 * new Option('--limit <n>').argParser(integerIn(1, 100));
 */
export const integerIn =
  (min: number, max: number = Number.MAX_SAFE_INTEGER) =>
  (value: string): number => {
    const n = /^[+]?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(
        max === Number.MAX_SAFE_INTEGER
          ? `expected an integer >= ${min}, got "${value}"`
          : `expected an integer from ${min} to ${max}, got "${value}"`,
      );
    return n;
  };
