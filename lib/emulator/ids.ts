import { randomFillSync } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const SUFFIX_LENGTH = 12;
/** Random bytes drawn at once and handed out 12 at a time (one `randomFillSync` per 341 ids). */
const pool = Buffer.alloc(SUFFIX_LENGTH * 341);
let offset = pool.length;

/** Makes an id with the given prefix, e.g. `grp` → `grp_k3v9q0x1m2ab`. */
export type IdGenerator = (prefix: string) => string;

/**
 * The default {@link IdGenerator}: the prefix, an underscore and 12 random
 * lower-case letters and digits, like the API's own ids. Random bytes come
 * from a pooled buffer refilled from the CSPRNG when used up.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/ids.ts)
 * randomId('grp'); // 'grp_k3v9q0x1m2ab'
 */
export const randomId: IdGenerator = (prefix) => {
  if (offset + SUFFIX_LENGTH > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  let suffix = '';
  for (let i = 0; i < SUFFIX_LENGTH; i++) suffix += ALPHABET[pool[offset + i]! % ALPHABET.length];
  offset += SUFFIX_LENGTH;
  return `${prefix}_${suffix}`;
};
