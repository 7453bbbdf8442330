import { createHash } from 'node:crypto';

const canonical = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonical(v);
    }
    return out;
  }
  return value;
};

/**
 * JSON with object keys sorted at every depth, so that two values equal as data
 * give the same text whatever their key order or white space.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/canonical-json.ts)
 * canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] }); // '{"a":[{"c":3,"d":2}],"b":1}'
 */
export const canonicalJson = (value: unknown): string => JSON.stringify(canonical(value)) ?? 'undefined';

/**
 * SHA-256 (hex) of {@link canonicalJson}: a fixed-size fingerprint of a value.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/canonical-json.ts)
 * fingerprint({ a: 1, b: 2 }) === fingerprint({ b: 2, a: 1 }); // true
 */
export const fingerprint = (value: unknown): string =>
  createHash('sha256').update(canonicalJson(value)).digest('hex');
