/**
 * Geography helpers: country and US state normalisation. Static reference data only (no rates here:
 * rates are content, see ./content).
 */

import countries from 'i18n-iso-countries';

export interface UsStateInfo {
  /** USPS code, e.g. "WA". */
  code: string;
  /** Upper-case name, e.g. "WASHINGTON" (used as the jurisdiction name). */
  name: string;
  /** 2-digit FIPS state code, e.g. "53". */
  fips: string;
}

/** The 50 states, DC and the inhabited territories (territories carry no state sales tax content). */
export const US_STATES: readonly UsStateInfo[] = [
  { code: 'AL', name: 'ALABAMA', fips: '01' },
  { code: 'AK', name: 'ALASKA', fips: '02' },
  { code: 'AZ', name: 'ARIZONA', fips: '04' },
  { code: 'AR', name: 'ARKANSAS', fips: '05' },
  { code: 'CA', name: 'CALIFORNIA', fips: '06' },
  { code: 'CO', name: 'COLORADO', fips: '08' },
  { code: 'CT', name: 'CONNECTICUT', fips: '09' },
  { code: 'DE', name: 'DELAWARE', fips: '10' },
  { code: 'DC', name: 'DISTRICT OF COLUMBIA', fips: '11' },
  { code: 'FL', name: 'FLORIDA', fips: '12' },
  { code: 'GA', name: 'GEORGIA', fips: '13' },
  { code: 'HI', name: 'HAWAII', fips: '15' },
  { code: 'ID', name: 'IDAHO', fips: '16' },
  { code: 'IL', name: 'ILLINOIS', fips: '17' },
  { code: 'IN', name: 'INDIANA', fips: '18' },
  { code: 'IA', name: 'IOWA', fips: '19' },
  { code: 'KS', name: 'KANSAS', fips: '20' },
  { code: 'KY', name: 'KENTUCKY', fips: '21' },
  { code: 'LA', name: 'LOUISIANA', fips: '22' },
  { code: 'ME', name: 'MAINE', fips: '23' },
  { code: 'MD', name: 'MARYLAND', fips: '24' },
  { code: 'MA', name: 'MASSACHUSETTS', fips: '25' },
  { code: 'MI', name: 'MICHIGAN', fips: '26' },
  { code: 'MN', name: 'MINNESOTA', fips: '27' },
  { code: 'MS', name: 'MISSISSIPPI', fips: '28' },
  { code: 'MO', name: 'MISSOURI', fips: '29' },
  { code: 'MT', name: 'MONTANA', fips: '30' },
  { code: 'NE', name: 'NEBRASKA', fips: '31' },
  { code: 'NV', name: 'NEVADA', fips: '32' },
  { code: 'NH', name: 'NEW HAMPSHIRE', fips: '33' },
  { code: 'NJ', name: 'NEW JERSEY', fips: '34' },
  { code: 'NM', name: 'NEW MEXICO', fips: '35' },
  { code: 'NY', name: 'NEW YORK', fips: '36' },
  { code: 'NC', name: 'NORTH CAROLINA', fips: '37' },
  { code: 'ND', name: 'NORTH DAKOTA', fips: '38' },
  { code: 'OH', name: 'OHIO', fips: '39' },
  { code: 'OK', name: 'OKLAHOMA', fips: '40' },
  { code: 'OR', name: 'OREGON', fips: '41' },
  { code: 'PA', name: 'PENNSYLVANIA', fips: '42' },
  { code: 'RI', name: 'RHODE ISLAND', fips: '44' },
  { code: 'SC', name: 'SOUTH CAROLINA', fips: '45' },
  { code: 'SD', name: 'SOUTH DAKOTA', fips: '46' },
  { code: 'TN', name: 'TENNESSEE', fips: '47' },
  { code: 'TX', name: 'TEXAS', fips: '48' },
  { code: 'UT', name: 'UTAH', fips: '49' },
  { code: 'VT', name: 'VERMONT', fips: '50' },
  { code: 'VA', name: 'VIRGINIA', fips: '51' },
  { code: 'WA', name: 'WASHINGTON', fips: '53' },
  { code: 'WV', name: 'WEST VIRGINIA', fips: '54' },
  { code: 'WI', name: 'WISCONSIN', fips: '55' },
  { code: 'WY', name: 'WYOMING', fips: '56' },
  { code: 'AS', name: 'AMERICAN SAMOA', fips: '60' },
  { code: 'GU', name: 'GUAM', fips: '66' },
  { code: 'MP', name: 'NORTHERN MARIANA ISLANDS', fips: '69' },
  { code: 'PR', name: 'PUERTO RICO', fips: '72' },
  { code: 'VI', name: 'U.S. VIRGIN ISLANDS', fips: '78' },
];

/** The 50 states and DC: the jurisdictions state-level content must cover. */
export const US_STATE_CODES_50_DC: readonly string[] = US_STATES.filter((s) => Number(s.fips) <= 56).map((s) => s.code);

const squash = (s: string): string => s.trim().toUpperCase().replace(/[.,]/g, '').replace(/\s+/g, ' ');

const STATE_BY_KEY: ReadonlyMap<string, UsStateInfo> = (() => {
  const m = new Map<string, UsStateInfo>();
  for (const s of US_STATES) {
    m.set(s.code, s);
    m.set(squash(s.name), s);
  }
  const dc = m.get('DC')!;
  for (const alias of ['WASHINGTON DC', 'DISTRICT OF COLUMBIA']) m.set(squash(alias), dc);
  m.set(squash('US VIRGIN ISLANDS'), m.get('VI')!);
  m.set(squash('VIRGIN ISLANDS'), m.get('VI')!);
  return m;
})();

/** "WA", "wa", "Washington", "  washington " → the state; unknown → undefined. */
export function resolveUsState(value: string | undefined | null): UsStateInfo | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  return STATE_BY_KEY.get(squash(value));
}

const US_COUNTRY_KEYS = new Set(['US', 'USA', 'UNITED STATES', 'UNITED STATES OF AMERICA']);

/**
 * Country codes to ISO 3166-1 alpha-2: "USA"/"US"/"United States" → "US", "GBR"/"gb"/"United Kingdom" →
 * "GB" (i18n-iso-countries). Anything it cannot resolve is returned upper-cased.
 */
export function normaliseCountry(value: string | undefined | null): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const key = squash(value);
  if (US_COUNTRY_KEYS.has(key)) return 'US';
  if (key.length === 2 && countries.isValid(key)) return key;
  if (key.length === 3) return countries.alpha3ToAlpha2(key) ?? key;
  if (key === 'UK' || key === 'GREAT BRITAIN') return 'GB';
  return countries.getAlpha2Code(value.trim(), 'en') ?? key;
}

/**
 * The US state of a ZIP5 per the maintained `zipcodes` package (its USPS-derived table, loaded on first
 * use); undefined when the package does not know the ZIP. Static reference data: no I/O after load.
 */
let zipTable: { lookup(zip: string): { state?: string; country?: string } | undefined } | undefined;
export function stateOfZip(zip: string | undefined): UsStateInfo | undefined {
  if (zip === undefined) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  zipTable ??= require('zipcodes') as typeof zipTable;
  const hit = zipTable!.lookup(zip);
  return hit && (hit.country ?? 'US') === 'US' ? resolveUsState(hit.state) : undefined;
}
