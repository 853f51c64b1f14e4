import { POSTCODE_REGEXES } from 'postcode-validator/lib/cjs/postcode-regexes';

/**
 * The postal code pattern of a country (alpha-2), from the postcode-validator package; undefined for
 * countries that have no postal codes (or none the package knows).
 */
export function postalCodePattern(alpha2: string): RegExp | undefined {
  return POSTCODE_REGEXES.get(alpha2 as never);
}
