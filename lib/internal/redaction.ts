/**
 * Redaction: the process-wide registry of secrets (each client's API key)
 * and the function that replaces them, wherever they appear, by a marker.
 * Errors, log lines, events and reports pass what they carry through
 * {@link redact}, so a key a server echoes back never leaves the library.
 *
 * @packageDocumentation
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Marker that replaces a secret (the API key) wherever it would appear in an error. */
export const REDACTED = '[REDACTED]';

const secrets = new Set<string>();

// -------------------------------------------------------------------------------------
// registry
// -------------------------------------------------------------------------------------

/**
 * Registers a secret that must never appear in an error's message, `String(err)`
 * or `JSON.stringify(err)`. `createClient` registers its API key here.
 * Secrets shorter than 4 characters are ignored (they would mark ordinary text).
 *
 * @example
 * // internal (lib/internal/redaction.ts): what createClient({ apiKey }) does
 * registerSecret('vc_live_123456');
 *
 * @internal
 */
export const registerSecret = (secret: string): void => {
  if (secret.length >= 4) secrets.add(secret);
};

// -------------------------------------------------------------------------------------
// redaction
// -------------------------------------------------------------------------------------

/**
 * Replaces every registered secret inside `value` with {@link REDACTED}:
 * strings, arrays and plain objects are copied deeply (keys included);
 * an `Error` is kept as it is when nothing it shows (message, stack, own
 * properties, its cause) holds a secret, else copied with its class, each
 * own property redacted. Past 32 levels (a deep or a cyclic value) a part
 * is kept as it is when its JSON holds no secret, and replaced whole by the
 * marker when it does or cannot be serialised. Other values are returned as
 * they are; nothing is changed in place.
 *
 * @example
 * // internal (lib/internal/redaction.ts)
 * registerSecret('vc_live_123456');
 * redact({ echo: 'Bearer vc_live_123456' }); // { echo: 'Bearer [REDACTED]' }
 *
 * @internal
 */
export const redact = <A>(value: A): A => redactValue(value, 0) as A;

/** Levels copied part by part; past them a part is judged whole (see {@link redact}). */
const MAX_DEPTH = 32;

const containsSecret = (s: string): boolean => {
  for (const secret of secrets) if (s.includes(secret)) return true;
  return false;
};

const redactString = (s: string): string => {
  let out = s;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
};

/** True when a secret shows in `value`'s JSON (as it is, or as JSON escapes it), or when it has none to judge by. */
const jsonShowsSecret = (value: object): boolean => {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return true; // a cycle, a BigInt, a throwing getter, too deep to serialise: nothing of it can be vouched for
  }
  if (json === undefined) return false;
  for (const secret of secrets) if (json.includes(secret) || json.includes(JSON.stringify(secret).slice(1, -1))) return true;
  return false;
};

/** True when a secret shows anywhere in `value` (an error's own properties, its message, stack and cause, included). */
const showsSecret = (value: unknown, depth: number): boolean => {
  if (typeof value === 'string') return containsSecret(value);
  if (value === null || typeof value !== 'object') return false;
  if (depth > MAX_DEPTH) return jsonShowsSecret(value);
  const names = value instanceof Error ? Object.getOwnPropertyNames(value) : Object.keys(value);
  return names.some((name) => containsSecret(name) || showsSecret(ownValue(value, name), depth + 1));
};

/** An own property's value, read once (an accessor such as some engines' `stack` included); `undefined` when reading throws. */
const ownValue = (o: object, name: string): unknown => {
  try {
    return (o as Record<string, unknown>)[name];
  } catch {
    return undefined;
  }
};

const redactError = (e: Error, depth: number): Error => {
  const names = Object.getOwnPropertyNames(e);
  if (!names.some((name) => showsSecret(ownValue(e, name), depth + 1))) return e;
  const copy = Object.create(Object.getPrototypeOf(e) as object | null) as Error;
  for (const name of names) {
    const d = Object.getOwnPropertyDescriptor(e, name);
    Object.defineProperty(copy, name, {
      value: redactValue(ownValue(e, name), depth + 1),
      writable: d === undefined || 'get' in d ? true : (d.writable ?? true),
      enumerable: d?.enumerable ?? false,
      configurable: true,
    });
  }
  return copy;
};

const redactValue = (value: unknown, depth: number): unknown => {
  if (secrets.size === 0) return value;
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return jsonShowsSecret(value) ? REDACTED : value;
  if (value instanceof Error) return redactError(value, depth);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[redactString(k)] = redactValue(v, depth + 1);
  return out;
};
