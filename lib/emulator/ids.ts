import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Makes an id with the given prefix, e.g. `grp` → `grp_k3v9q0x1m2ab`. */
export type IdGenerator = (prefix: string) => string;

/**
 * The default {@link IdGenerator}: the prefix, an underscore and 12 random
 * lower-case letters and digits, like the API's own ids.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/ids.ts)
 * randomId('grp'); // 'grp_k3v9q0x1m2ab'
 */
export const randomId: IdGenerator = (prefix) => {
  const bytes = randomBytes(12);
  let suffix = '';
  for (const b of bytes) suffix += ALPHABET[b % ALPHABET.length];
  return `${prefix}_${suffix}`;
};
