/* eslint-disable @typescript-eslint/no-empty-object-type -- each codec's type is an interface named after it and derived from it (API.md, Codecs and types) */
import * as t from 'io-ts';
import { NonEmptyString } from './common';
import { StateCode, Zipcode, nullable } from './member-fields';

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

/** The fields of {@link Address}: four required, `address_line_2` optional. @internal */
export const AddressFields = t.intersection([
  t.type({
    address_line_1: NonEmptyString,
    city: NonEmptyString,
    state: StateCode,
    zipcode: Zipcode,
  }),
  t.partial({ address_line_2: nullable(t.string, 'must be a string or null') }),
]);

const AddressCodec = t.exact(AddressFields, 'Address');

/** A member's postal address, as sent: `state` upper-case, unknown keys dropped. */
export interface Address extends t.TypeOf<typeof AddressCodec> {}

/**
 * A member's postal address: non-empty `address_line_1` and `city`, a US state
 * or territory code (any case; decodes upper-case), a 5-digit ZIP code or
 * ZIP+4, and an optional `address_line_2` (a string or `null`).
 *
 * @example
 * import { Address } from 'vitable-connect-rx';
 * Address.decode({ address_line_1: '1 Main St', city: 'SF', state: 'ca', zipcode: '94102' });
 * // Right({ …, state: 'CA' })
 */
export const Address: t.ExactType<typeof AddressFields, Address, Address, unknown> = AddressCodec;
