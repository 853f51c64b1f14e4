import countries from 'i18n-iso-countries';
import english from 'i18n-iso-countries/langs/en.json';

countries.registerLocale(english);

export interface Country {
  alpha2: string;
  alpha3: string;
  /** English short name from the ISO 3166 data package, e.g. "United States of America". */
  name: string;
}

/**
 * An ISO 3166-1 alpha-2 or alpha-3 code, any case ("US", "usa"), as a country; undefined when the
 * code is not an assigned country code. Also accepts "UK", which people write for GB.
 */
export function findCountry(code: string | undefined | null): Country | undefined {
  if (typeof code !== 'string') return undefined;
  let wanted = code.trim().toUpperCase();
  if (wanted === 'UK') wanted = 'GB';
  if (!/^[A-Z]{2,3}$/.test(wanted) || !countries.isValid(wanted)) return undefined;
  const alpha2 = wanted.length === 2 ? wanted : countries.alpha3ToAlpha2(wanted);
  const alpha3 = wanted.length === 3 ? wanted : countries.alpha2ToAlpha3(wanted);
  if (!alpha2 || !alpha3) return undefined;
  const name = countries.getName(alpha2, 'en');
  return name ? { alpha2, alpha3, name } : undefined;
}

/** Every country: alpha-3 code -> English name, ordered by code (GET /api/addresses/countries). */
export function countryNamesByAlpha3(): Record<string, string> {
  const names = countries.getNames('en');
  return Object.fromEntries(
    Object.entries(countries.getAlpha2Codes())
      .map(([alpha2, alpha3]) => [alpha3, names[alpha2]] as const)
      .filter(([, name]) => name !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}
