import zipcodes, { type ZipCodeEntry } from 'zipcodes';
import type { Address } from '@tax-ledger/tax-engine';
import { findCountry } from './countries';
import { postalCodePattern } from './postal-codes';
import { version as zipcodesVersion } from 'zipcodes/package.json';

/** The data package that geocodes addresses, with its version. */
export const GEOCODER = `zipcodes ${zipcodesVersion}`;

/** An address as the TNG Address format has it (synonyms included): the engine's one Address type. */
export type AddressInput = Address;

/**
 * How precisely an address was located (AvaTax's resolution qualities, spelled as the seed spells
 * "notCoded"): the centroid of a US ZIP code (postalCentroidGood), of the 3-character forward sortation
 * area of a Canadian postal code (partialCentroid), or not at all.
 */
export type ResolutionQuality = 'notCoded' | 'partialCentroid' | 'postalCentroidGood';

export interface AddressMessage {
  code: string;
  message: string;
  /** The address field the message is about. */
  field: string;
  /** An Error makes the address invalid; a Warning does not. */
  severity: 'Error' | 'Warning';
}

export interface AddressResolution {
  isValid: boolean;
  /** ISO 3166-1 alpha-3 of the address's country, when the country is known. */
  country?: string;
  geocoded: boolean;
  /**
   * Always false: street lines are not checked against a street database (none is installed), so no
   * address is resolved to a standardised delivery address; geocoding is by postal code only.
   */
  resolved: false;
  geocode?: { latitude: number; longitude: number };
  /** The data that located the address (GEOCODER), when it was located. */
  geocodedBy?: string;
  resolutionQuality: ResolutionQuality;
  /** City and state as the postal data names them, when the postal code was found. */
  postalArea?: { city: string; state: string };
  messages: AddressMessage[];
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** The first non-empty of synonymous fields; an error when two of them disagree. */
function synonym(address: AddressInput, fields: (keyof AddressInput)[], messages: AddressMessage[]): string | undefined {
  const given = fields.map((f) => [f, text(address[f])] as const).filter(([, v]) => v !== undefined);
  const distinct = new Set(given.map(([, v]) => v!.toUpperCase()));
  if (distinct.size > 1) {
    messages.push({
      code: 'ConflictingFields',
      message: `${given.map(([f]) => f).join(' and ')} are synonyms but differ.`,
      field: given[1][0],
      severity: 'Error',
    });
  }
  return given[0]?.[1];
}

/** Names the zipcodes package spells otherwise ("NORTHEWEST TERRITORIES", "YUKON TERRITORY") or lacks. */
const OTHER_STATE_NAMES: Record<string, string> = {
  'NORTHWEST TERRITORIES': 'NT',
  YUKON: 'YT',
  NUNAVUT: 'NU',
  NEWFOUNDLAND: 'NL',
  'WASHINGTON DC': 'DC',
};

/** "Washington", "wa" -> "WA"; Canadian provinces too ("Québec" -> "QC"); undefined when unknown. */
function stateCode(state: string): string | undefined {
  const name = state.normalize('NFD').replace(/\p{Diacritic}/gu, '').trim().toUpperCase().replace(/[.,]/g, '').replace(/\s+/g, ' ');
  if (/^[A-Z]{2}$/.test(name)) return name;
  return zipcodes.states.full[name] ?? OTHER_STATE_NAMES[name];
}

/**
 * Provinces by the first letter of a Canadian postal code (Canada Post's postal districts); X is shared
 * by the Northwest Territories and Nunavut. The zipcodes package's province names are not all usable.
 */
const CANADIAN_POSTAL_DISTRICTS: Record<string, string[]> = {
  A: ['NL'], B: ['NS'], C: ['PE'], E: ['NB'], G: ['QC'], H: ['QC'], J: ['QC'], K: ['ON'], L: ['ON'], M: ['ON'], N: ['ON'],
  P: ['ON'], R: ['MB'], S: ['SK'], T: ['AB'], V: ['BC'], X: ['NT', 'NU'], Y: ['YT'],
};

/** The states or provinces a located postal code can be in. */
const statesOf = (found: ZipCodeEntry): string[] =>
  found.country === 'US' ? [found.state] : (CANADIAN_POSTAL_DISTRICTS[found.zip[0]] ?? []);

/**
 * Validate and geocode one address with the installed data packages: i18n-iso-countries (country
 * codes), postcode-validator (postal code patterns) and zipcodes (US ZIP and Canadian FSA centroids,
 * cities and states). Pure: the same address always gives the same answer.
 */
export function resolveAddress(address: AddressInput): AddressResolution {
  const messages: AddressMessage[] = [];
  const error = (code: string, field: string, message: string) => messages.push({ code, field, message, severity: 'Error' });
  const line1 = text(address.line1);
  const city = synonym(address, ['city', 'municipality', 'town'], messages);
  const state = synonym(address, ['state', 'province'], messages);
  const postal = synonym(address, ['zipcode', 'postalCode', 'postcode'], messages);
  const countryCode = text(address.country);
  const country = findCountry(countryCode);

  if (!line1) error('Line1Required', 'line1', 'line1 is required.');
  if (!countryCode) error('CountryRequired', 'country', 'country is required (ISO 3166-1 alpha-3, e.g. "USA").');
  else if (!country) error('UnknownCountry', 'country', `"${countryCode}" is not an ISO 3166-1 country code.`);

  let found: ZipCodeEntry | undefined;
  let quality: ResolutionQuality = 'notCoded';
  if (country) {
    const pattern = postalCodePattern(country.alpha2);
    if (pattern && !postal) {
      error('PostalCodeRequired', 'zipcode', `A postal code is required for ${country.name}.`);
    } else if (pattern && postal && !pattern.test(postal)) {
      error('InvalidPostalCode', 'zipcode', `"${postal}" is not a valid postal code for ${country.name}.`);
    } else if (postal && country.alpha2 === 'US') {
      found = zipcodes.lookup(postal.slice(0, 5));
      if (!found) error('UnknownPostalCode', 'zipcode', `ZIP code ${postal.slice(0, 5)} does not exist.`);
      quality = found ? 'postalCentroidGood' : quality;
    } else if (postal && country.alpha2 === 'CA') {
      found = zipcodes.lookup(postal.replace(/\s+/g, '').toUpperCase().slice(0, 3));
      quality = found ? 'partialCentroid' : quality;
    }
  }

  let areaState: string | undefined;
  if (found) {
    const foundStates = statesOf(found);
    const given = state === undefined ? undefined : stateCode(state);
    areaState = given !== undefined && foundStates.includes(given) ? given : foundStates[0];
    if (state !== undefined && (given === undefined || !foundStates.includes(given))) {
      error('StatePostalCodeMismatch', 'state', `Postal code ${postal} is in ${foundStates.join(' or ')}, not ${state}.`);
    }
    if (city && city.toUpperCase() !== found.city.toUpperCase()) {
      messages.push({
        code: 'CityPostalCodeMismatch',
        field: 'city',
        severity: 'Warning',
        message: `Postal code ${postal} is ${found.city}, ${foundStates.join(' or ')}; "${city}" may be another name in it.`,
      });
    }
  }

  const resolution: AddressResolution = {
    isValid: !messages.some((m) => m.severity === 'Error'),
    geocoded: found !== undefined,
    resolved: false,
    resolutionQuality: quality,
    messages,
  };
  if (country) resolution.country = country.alpha3;
  if (found) {
    resolution.geocode = { latitude: found.latitude, longitude: found.longitude };
    resolution.geocodedBy = GEOCODER;
    resolution.postalArea = { city: found.city, state: areaState ?? '' };
  }
  return resolution;
}
