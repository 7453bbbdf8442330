// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

const PHONE_PUNCTUATION = /[\s\-.()]/g;
const TEN_DIGITS = /^\d{10}$/;

/** {@link normalisePhone} by the definition: the slow path, for strings with non-ASCII characters. */
const normalisePhoneByRegExp = (raw: string): string | undefined => {
  let digits = raw.replace(PHONE_PUNCTUATION, '');
  if (digits.startsWith('+1')) digits = digits.slice(2);
  return TEN_DIGITS.test(digits) ? digits : undefined;
};

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The 10-digit form of a US phone number: spaces, dashes, dots and parentheses
 * dropped, then a leading `+1`; `undefined` when that does not leave 10 digits.
 *
 * Fast path: one pass over an ASCII string, keeping the positions of its
 * digits and making the result in one allocation (an already normalised
 * number is returned as it is, without a copy); a string with any non-ASCII
 * character (Unicode white space is punctuation too) goes through the regexp
 * definition. A property test holds the two equal.
 *
 * @example
 * import { normalisePhone } from 'vitable-connect-rx';
 * normalisePhone('+1 (415) 555-0100'); // '4155550100'
 */
export const normalisePhone = (raw: string): string | undefined => {
  // the character codes of the kept digits, in local variables: no buffer shared between calls
  let d0 = 0, d1 = 0, d2 = 0, d3 = 0, d4 = 0, d5 = 0, d6 = 0, d7 = 0, d8 = 0, d9 = 0; // prettier-ignore
  let n = 0; // digits kept
  let kept = 0; // characters that are not punctuation, so far
  let plus = false;
  let verbatim = true; // every character so far is a kept digit
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      kept++;
      if (plus && kept === 2) {
        if (c !== 0x31) return undefined; // '+' not followed by '1'
        continue; // the country code is dropped
      }
      switch (n++) {
        case 0: d0 = c; break; // prettier-ignore
        case 1: d1 = c; break; // prettier-ignore
        case 2: d2 = c; break; // prettier-ignore
        case 3: d3 = c; break; // prettier-ignore
        case 4: d4 = c; break; // prettier-ignore
        case 5: d5 = c; break; // prettier-ignore
        case 6: d6 = c; break; // prettier-ignore
        case 7: d7 = c; break; // prettier-ignore
        case 8: d8 = c; break; // prettier-ignore
        case 9: d9 = c; break; // prettier-ignore
        default: return undefined; // an 11th digit: never 10 digits, whatever follows
      }
      continue;
    }
    verbatim = false;
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x2d || c === 0x2e || c === 0x28 || c === 0x29) continue;
    if (c === 0x2b && kept === 0) {
      plus = true;
      kept++;
      continue;
    }
    if (c >= 0x80) return normalisePhoneByRegExp(raw);
    return undefined; // any other ASCII character stays and is not a digit
  }
  if (n !== 10) return undefined;
  if (verbatim) return raw; // already 10 digits: no copy
  return String.fromCharCode(d0, d1, d2, d3, d4, d5, d6, d7, d8, d9);
};
