import { findCountry } from './countries';
import { postalCodePattern } from './postal-codes';

/**
 * By-field address rules of one country (GET /api/addresses/countries/{country}): field -> rule name
 * -> value, all strings (the seed's dictionary of string dictionaries). The rules are the ones
 * `resolveAddress` applies, following the seed's Address format: line1 and country are always required,
 * the postal code wherever the country uses postal codes (and then it must match the pattern); city and
 * state are optional (city, municipality, town and state, province are synonyms).
 */
export type CountryRules = Record<string, Record<string, string>>;

export function countryRules(code: string): CountryRules | undefined {
  const country = findCountry(code);
  if (!country) return undefined;
  const pattern = postalCodePattern(country.alpha2);
  const zipcode: Record<string, string> = { required: String(pattern !== undefined), synonyms: 'postalCode,postcode' };
  if (pattern) {
    zipcode.pattern = pattern.source;
    if (pattern.flags.includes('i')) zipcode.caseSensitive = 'false';
  }
  return {
    line1: { required: 'true' },
    line2: { required: 'false' },
    line3: { required: 'false' },
    city: { required: 'false', synonyms: 'municipality,town' },
    state: { required: 'false', synonyms: 'province' },
    zipcode,
    country: { required: 'true', alpha3: country.alpha3, alpha2: country.alpha2, name: country.name },
  };
}
