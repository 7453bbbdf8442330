import { createHash } from 'node:crypto';

// Canonical JSON and fingerprints of request bodies. The emulator parses each
// body once, and fingerprints it once: a sync payload's fingerprint serves both
// the duplicate-batch check and (substituted for the payload) the request's
// idempotency fingerprint, so the members are never serialised twice.

/** Recently seen key lists (as `Object.keys` gives them) and their sorted order; bounded. */
const shapes: Array<{ readonly keys: ReadonlyArray<string>; readonly sorted: ReadonlyArray<string> }> = [];
const MAX_SHAPES = 16;

/** `keys` sorted; objects of one shape (the members of a payload) sort their keys once. */
const sortedKeys = (keys: string[]): ReadonlyArray<string> => {
  next: for (const shape of shapes) {
    if (shape.keys.length !== keys.length) continue;
    for (let i = 0; i < keys.length; i++) if (shape.keys[i] !== keys[i]) continue next;
    return shape.sorted;
  }
  let inOrder = true;
  for (let i = 1; i < keys.length && inOrder; i++) inOrder = keys[i - 1]! < keys[i]!;
  const sorted = inOrder ? keys : [...keys].sort();
  if (shapes.length >= MAX_SHAPES) shapes.shift();
  shapes.push({ keys, sorted });
  return sorted;
};

const canonical = (value: unknown): unknown => {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = canonical(value[i]);
    return out;
  }
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of sortedKeys(Object.keys(record))) {
    const v = record[key];
    if (v === undefined) continue;
    // a "__proto__" key of the data must stay a key: assigning it would set the prototype instead
    if (key === '__proto__') Object.defineProperty(out, key, { value: canonical(v), enumerable: true, writable: true, configurable: true });
    else out[key] = canonical(v);
  }
  return out;
};

const sha256 = (text: string): string => createHash('sha256').update(text).digest('base64');

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
 * SHA-256 (base64) of {@link canonicalJson}: a fixed-size fingerprint of a
 * value, equal for values equal as data.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/canonical-json.ts)
 * fingerprint({ a: 1, b: 2 }) === fingerprint({ b: 2, a: 1 }); // true
 */
export const fingerprint = (value: unknown): string => sha256(canonicalJson(value));

/**
 * The fingerprint of a request: its method, path and body (compared as data).
 * `known` gives fingerprints already computed (with {@link fingerprint}) for
 * some top-level body fields; they stand in for those fields' values, marked
 * so that no JSON value can be taken for them. The result is the same whether
 * or not a field's fingerprint was given.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/canonical-json.ts)
 * const body = { members: [{ reference_id: 'E1' }] };
 * requestFingerprint('POST', '/v1/groups/grp_1/members/sync', body, { members: fingerprint(body.members) }) ===
 *   requestFingerprint('POST', '/v1/groups/grp_1/members/sync', body); // true
 */
export const requestFingerprint = (
  method: string,
  path: string,
  body: Readonly<Record<string, unknown>>,
  known: Readonly<Record<string, string>> = {},
): string => {
  let text = `${method} ${path}\n{`;
  let first = true;
  for (const key of Object.keys(body).sort()) {
    const value = body[key];
    if (value === undefined) continue;
    const print = Object.prototype.hasOwnProperty.call(known, key) ? known[key]! : fingerprint(value);
    text += `${first ? '' : ','}${JSON.stringify(key)}:#${print}`;
    first = false;
  }
  return sha256(`${text}}`);
};
