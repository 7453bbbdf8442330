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
 * Replaces every registered secret inside `value` (strings, arrays and plain
 * objects, deeply, keys included; 32 levels at most) with {@link REDACTED}.
 * Other values are returned as they are; nothing is changed in place.
 *
 * @example
 * // internal (lib/internal/redaction.ts)
 * registerSecret('vc_live_123456');
 * redact({ echo: 'Bearer vc_live_123456' }); // { echo: 'Bearer [REDACTED]' }
 *
 * @internal
 */
export const redact = <A>(value: A): A => redactValue(value, 0) as A;

const redactString = (s: string): string => {
  let out = s;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
};

const redactValue = (value: unknown, depth: number): unknown => {
  if (secrets.size === 0) return value;
  if (typeof value === 'string') return redactString(value);
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[redactString(k)] = redactValue(v, depth + 1);
  return out;
};
