/**
 * mulberry32: a tiny, fast 32-bit PRNG; the same seed gives the same sequence
 * of numbers in [0, 1). Shared by the emulator's fault injection, the demo
 * roster and the spec/bench roster generators.
 *
 * @internal
 * @example
 * // internal (lib/internal/mulberry32.ts), not part of the package root
 * const next = mulberry32(42);
 * next(); // a number in [0, 1), the same on every run
 */
export const mulberry32 = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};
