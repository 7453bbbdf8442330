// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * UTF-8 bytes of one member as it appears inside the body's array. Throws
 * where `JSON.stringify` would (a cycle, a BigInt, a getter that throws).
 *
 * @example
 * // internal (lib/internal/json-bytes.ts)
 * memberBytes({ reference_id: 'é' }); // 21
 *
 * @internal
 */
export const memberBytes = (member: unknown): number => jsonBytes(member);

/** Plain objects nested deeper than this are measured by `JSON.stringify` (which detects cycles). */
const MAX_COUNTED_DEPTH = 16;

/** Strings JSON writes as they are between two quotes: printable ASCII but `"` and `\\`. */
const VERBATIM = /^[\x20\x21\x23-\x5b\x5d-\x7f]*$/;

const hasOwn = Object.prototype.hasOwnProperty;

const isPlainObject = (v: object): v is Readonly<Record<string, unknown>> => {
  const proto: unknown = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
};

/** Strings up to this length are scanned with a loop; longer ones with {@link VERBATIM}. */
const SHORT_STRING = 64;

/**
 * True when `s` is made only of the characters {@link VERBATIM} accepts. Fast
 * path: for the short strings of a roster a charCodeAt loop is cheaper than a
 * call into the regexp engine; it tests exactly the same character set.
 */
const isVerbatim = (s: string): boolean => {
  const n = s.length;
  if (n > SHORT_STRING) return VERBATIM.test(s);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7f || c === 0x22 || c === 0x5c) return false;
  }
  return true;
};

/** UTF-8 bytes of `JSON.stringify(s)` for a string `s` (its quotes included). @internal */
export const stringBytes = (s: string): number =>
  isVerbatim(s) ? s.length + 2 : Buffer.byteLength(JSON.stringify(s), 'utf8');

/** `"key":` bytes of the few keys a roster uses, remembered (bounded: odd keys are just measured). */
const keyBytesCache = new Map<string, number>();
const keyBytes = (key: string): number => {
  let bytes = keyBytesCache.get(key);
  if (bytes === undefined) {
    bytes = stringBytes(key) + 1;
    if (keyBytesCache.size < 256) keyBytesCache.set(key, bytes);
  }
  return bytes;
};

/**
 * UTF-8 bytes of `JSON.stringify(value)`, counted without building the string
 * for the plain objects and verbatim strings a roster is made of (everything
 * else is stringified and measured). A property test holds it equal to
 * `Buffer.byteLength(JSON.stringify(value))`. It throws where `JSON.stringify`
 * throws (a cycle, a BigInt, a throwing getter or `toJSON`): deeper than
 * {@link MAX_COUNTED_DEPTH} plain objects it hands over to `JSON.stringify`,
 * which reports a cycle instead of overflowing the stack.
 */
const jsonBytes = (value: unknown, depth = 0): number => {
  if (typeof value === 'string') return stringBytes(value);
  if (
    depth < MAX_COUNTED_DEPTH &&
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    isPlainObject(value)
  ) {
    let bytes = 2; // {}
    let entries = 0;
    // for..in instead of Object.keys: no array per object. With the prototype
    // Object.prototype or null and the own-property test, it visits exactly
    // Object.keys(value), in the same order.
    for (const key in value) {
      if (!hasOwn.call(value, key)) continue;
      const v = value[key];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      bytes += keyBytes(key) + jsonBytes(v, depth + 1); // "key":value
      entries++;
    }
    return bytes + Math.max(0, entries - 1); // commas
  }
  const json = JSON.stringify(value) ?? 'null';
  return Buffer.byteLength(json, 'utf8');
};
