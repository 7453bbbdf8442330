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

/**
 * A commander argument parser for a value that must not be empty (nor only
 * blanks); an empty one is a usage error (exit status 2) naming the flag.
 *
 * @internal
 * @example
 * new Option('--group <id>').argParser(nonEmpty('--group'));
 * // $ vitable-connect sync roster.csv --group ""   →   … --group must not be empty (exit 2)
 */
export const nonEmpty =
  (flag: string) =>
  (value: string): string => {
    if (value.trim() === '') throw new InvalidArgumentError(`${flag} must not be empty`);
    return value;
  };
