// Equality of JSON-like data, for telling a changed member from an unchanged one.

/**
 * Equal as JSON data: arrays element by element, objects key by key whatever
 * their order, fields holding `undefined` counted as absent; the key `skip` is
 * ignored at the top level. Recursive: for values of bounded depth (stored
 * members, never a raw body).
 *
 * @internal
 * @example
 * // internal to the emulator (lib/emulator/same-data.ts)
 * sameData({ a: 1, b: [2], c: undefined }, { b: [2], a: 1 }); // true
 * sameData({ id: 'x', a: 1 }, { a: 1 }, 'id');                 // true
 */
export const sameData = (a: unknown, b: unknown, skip?: string): boolean => {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  let defined = 0;
  for (const key in ra) {
    if (key === skip || ra[key] === undefined) continue;
    if (!Object.prototype.hasOwnProperty.call(rb, key) || !sameData(ra[key], rb[key])) return false;
    defined++;
  }
  for (const key in rb) if (key !== skip && rb[key] !== undefined) defined--;
  return defined === 0;
};
