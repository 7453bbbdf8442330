// The emulator's own checks of request bodies and queries, written from the
// HTTP reference (not from the client's codecs), so that it judges the client.

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** One problem with a request, as listed in an error body's `details`. */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

/** A checked value, or the problems found. */
export type Checked<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly problems: Problem[] };

/** Most entries listed in one error's `details`. */
const MAX_DETAILS = 20;

const typeName = (u: unknown): string => (u === null ? 'null' : Array.isArray(u) ? 'array' : typeof u);

/** True for a plain JSON object (not null, not an array). */
export const isJsonObject = (u: unknown): u is Record<string, unknown> =>
  u !== null && typeof u === 'object' && !Array.isArray(u);

const text = (body: Record<string, unknown>, key: string, required: boolean, problems: Problem[]): string | null | undefined => {
  const value = body[key];
  if (value === undefined || (value === null && !required)) {
    if (required) problems.push({ path: key, message: `${key} is required` });
    return value as null | undefined;
  }
  if (typeof value !== 'string') {
    problems.push({ path: key, message: `${key} must be a string, got ${typeName(value)}` });
    return undefined;
  }
  if (value.trim() === '') {
    problems.push({ path: key, message: `${key} must not be empty` });
    return undefined;
  }
  return value;
};

// -------------------------------------------------------------------------------------
// checks
// -------------------------------------------------------------------------------------

/**
 * `POST /v1/groups`: `name` and `external_reference_id` non-empty strings;
 * other keys are ignored.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/request-validation.ts)
 * checkGroupCreate({ name: 'Tier 1' }); // { ok: false, problems: [{ path: 'external_reference_id', … }] }
 */
export const checkGroupCreate = (
  body: Record<string, unknown>,
): Checked<{ name: string; external_reference_id: string }> => {
  const problems: Problem[] = [];
  const name = text(body, 'name', true, problems);
  const external_reference_id = text(body, 'external_reference_id', true, problems);
  if (problems.length > 0 || typeof name !== 'string' || typeof external_reference_id !== 'string')
    return { ok: false, problems };
  return { ok: true, value: { name, external_reference_id } };
};

/**
 * `PATCH /v1/groups/{id}`: `name` and `external_reference_id` optional; when
 * given (and not null) non-empty strings.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/request-validation.ts)
 * checkGroupUpdate({ name: 42 }); // { ok: false, problems: [{ path: 'name', message: 'name must be a string, got number' }] }
 */
export const checkGroupUpdate = (
  body: Record<string, unknown>,
): Checked<{ name?: string | null; external_reference_id?: string | null }> => {
  const problems: Problem[] = [];
  const name = text(body, 'name', false, problems);
  const external_reference_id = text(body, 'external_reference_id', false, problems);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { name, external_reference_id } };
};

/**
 * `POST …/members/sync`: `members` a non-empty array, at most `maxMembers`
 * long, of objects each with a non-empty string `reference_id`; otherwise the
 * payload is refused whole. The members' other fields are checked one by one
 * while the batch is processed (a bad member fails alone, with its
 * `reference_id`, and does not reject the batch).
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/request-validation.ts)
 * checkSyncBody({ members: 'all' }, 1000); // { ok: false, problems: [{ path: 'members', message: 'members must be an array, got string' }] }
 * checkSyncBody({ members: [{ first_name: 'Jane' }] }, 1000); // { ok: false, problems: [{ path: 'members[0].reference_id', … }] }
 */
export const checkSyncBody = (
  body: Record<string, unknown>,
  maxMembers: number,
): Checked<ReadonlyArray<Record<string, unknown>>> => {
  const members = body['members'];
  if (members === undefined) return { ok: false, problems: [{ path: 'members', message: 'members is required' }] };
  if (!Array.isArray(members))
    return { ok: false, problems: [{ path: 'members', message: `members must be an array, got ${typeName(members)}` }] };
  if (members.length === 0)
    return { ok: false, problems: [{ path: 'members', message: 'members must contain at least one member' }] };
  if (members.length > maxMembers)
    return {
      ok: false,
      problems: [
        {
          path: 'members',
          message: `members has ${members.length} entries; at most ${maxMembers} are accepted per sync`,
        },
      ],
    };
  const problems: Problem[] = [];
  for (let i = 0; i < members.length && problems.length < MAX_DETAILS; i++) {
    const m: unknown = members[i];
    if (!isJsonObject(m)) {
      problems.push({ path: `members[${i}]`, message: `members[${i}] must be an object, got ${typeName(m)}` });
      continue;
    }
    const ref = m['reference_id'];
    const path = `members[${i}].reference_id`;
    if (ref === undefined) problems.push({ path, message: `${path} is required` });
    else if (typeof ref !== 'string') problems.push({ path, message: `${path} must be a string, got ${typeName(ref)}` });
    else if (ref.trim() === '') problems.push({ path, message: `${path} must not be empty` });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: members as Record<string, unknown>[] };
};

/**
 * A positive integer query parameter given at most once, within `[min, max]`;
 * `fallback` when absent.
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/request-validation.ts)
 * checkIntegerParam(new URLSearchParams('limit=0'), 'limit', 20, 1, 100); // { ok: false, … }
 */
export const checkIntegerParam = (
  query: URLSearchParams,
  name: string,
  fallback: number,
  min: number,
  max: number,
): Checked<number> => {
  const values = query.getAll(name);
  if (values.length === 0) return { ok: true, value: fallback };
  const fail = (message: string): Checked<number> => ({ ok: false, problems: [{ path: name, message }] });
  if (values.length > 1) return fail(`${name} must be given at most once`);
  const raw = values[0]!;
  if (!/^\d+$/.test(raw)) return fail(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  const value = Number(raw);
  if (value < min || value > max)
    return fail(
      max !== Number.MAX_SAFE_INTEGER
        ? `${name} must be between ${min} and ${max}`
        : value < min
          ? `${name} must be at least ${min}`
          : `${name} is too large`,
    );
  return { ok: true, value };
};
