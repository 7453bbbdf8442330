import { Address } from '../../codecs';
import { MemberInputStructure } from '../../codecs/member';

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The columns of a CSV roster, derived from the `MemberInput` and `Address`
 * codecs (the single source of the member's shape): the member's own fields,
 * and the address flattened to its fields.
 *
 * @internal
 */
export interface RosterColumns {
  /** Every accepted column name. */
  readonly all: ReadonlyArray<string>;
  /** Columns a header must have (the codecs' required fields). */
  readonly required: ReadonlyArray<string>;
  /** Columns that belong inside `address`. */
  readonly address: ReadonlySet<string>;
}

const [memberRequired, memberOptional] = MemberInputStructure.type.types;
const [addressRequired, addressOptional] = Address.type.types;

/**
 * The CSV roster columns, in a sensible order.
 *
 * @internal
 * @example
 * // reference_id,first_name,last_name,date_of_birth,phone,plan_id,address_line_1,city,state,zipcode,address_line_2,email
 * ROSTER_COLUMNS.all.join(',');
 */
export const ROSTER_COLUMNS: RosterColumns = (() => {
  const memberReq = Object.keys(memberRequired.props).filter((k) => k !== 'address');
  const addressReq = Object.keys(addressRequired.props);
  const addressOpt = Object.keys(addressOptional.props);
  const memberOpt = Object.keys(memberOptional.props);
  return {
    all: [...memberReq, ...addressReq, ...addressOpt, ...memberOpt],
    required: [...memberReq, ...addressReq],
    address: new Set([...addressReq, ...addressOpt]),
  };
})();

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * Checks a CSV header against {@link ROSTER_COLUMNS}: returns the problems
 * found (unknown, repeated or missing columns), none when it is usable.
 *
 * @internal
 * @example
 * checkHeader(['reference_id', 'nickname']);
 * // ['unknown column "nickname"', 'missing required column(s): first_name, …']
 */
export const checkHeader = (header: ReadonlyArray<string>): string[] => {
  const problems: string[] = [];
  const known = new Set(ROSTER_COLUMNS.all);
  const seen = new Set<string>();
  for (const name of header) {
    if (!known.has(name)) problems.push(`unknown column "${name}"`);
    else if (seen.has(name)) problems.push(`column "${name}" appears twice`);
    seen.add(name);
  }
  const missing = ROSTER_COLUMNS.required.filter((c) => !seen.has(c));
  if (missing.length > 0) problems.push(`missing required column(s): ${missing.join(', ')}`);
  return problems;
};

/**
 * Builds the member object of one CSV row: an empty cell is an absent field,
 * and the address columns are gathered into `address`. Nothing is validated
 * here; `syncRoster` validates what this returns.
 *
 * @internal
 * @example
 * rowToMember(['reference_id', 'city', 'email'], ['EMP-1', 'Austin', '']);
 * // { reference_id: 'EMP-1', address: { city: 'Austin' } }
 */
export const rowToMember = (
  header: ReadonlyArray<string>,
  cells: ReadonlyArray<string>,
): Record<string, unknown> => {
  const member: Record<string, unknown> = {};
  const address: Record<string, string> = {};
  for (let i = 0; i < header.length; i++) {
    const name = header[i]!;
    const value = cells[i];
    if (value === undefined || value === '') continue;
    if (ROSTER_COLUMNS.address.has(name)) address[name] = value;
    else member[name] = value;
  }
  member['address'] = address;
  return member;
};
