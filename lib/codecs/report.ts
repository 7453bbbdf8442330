import * as t from 'io-ts';
import type { Issue } from '../errors';

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** True when a codec's children are alternatives or parts of one value (their keys are not path segments). */
const isComposite = (type: t.Decoder<unknown, unknown>): boolean => {
  let current = type as { _tag?: string; type?: t.Decoder<unknown, unknown> };
  // exact and refinement codecs validate their inner codec without adding a context entry
  while ((current._tag === 'ExactType' || current._tag === 'RefinementType') && current.type)
    current = current.type as typeof current;
  return current._tag === 'IntersectionType' || current._tag === 'UnionType';
};

const describe = (value: unknown): string => {
  try {
    const json = JSON.stringify(value);
    return json.length > 60 ? `${json.slice(0, 60)}…` : json;
  } catch {
    return typeof value;
  }
};

const pathOf = (context: t.Context): string => {
  let path = '';
  for (let i = 1; i < context.length; i++) {
    if (isComposite(context[i - 1]!.type)) continue;
    const key = context[i]!.key;
    if (key === '') continue;
    path += /^\d+$/.test(key) ? `[${key}]` : path === '' ? key : `.${key}`;
  }
  return path;
};

/**
 * Turns io-ts decode errors into one {@link Issue} per failing path: a union
 * reports once (not once per member), and custom codecs speak in their own words.
 *
 * @internal
 */
export const toIssues = (errors: t.Errors): Issue[] => {
  const seen = new Map<string, Issue>();
  for (const e of errors) {
    const path = pathOf(e.context);
    if (seen.has(path)) continue;
    const leaf = e.context[e.context.length - 1];
    const message =
      e.message ??
      (e.value === undefined ? 'is required' : `expected ${leaf?.type.name ?? 'a value'}, got ${describe(e.value)}`);
    seen.set(path, { path, message });
  }
  return [...seen.values()];
};
