/** Where a line is taxed: its origin and destination locations and the place (country, state, ZIP) of each. */
import type { LocationContent, LocationPurpose, Locations, TaxDocumentHeader, TaxDocumentLine } from './tax-document';
import { LOCATION_PURPOSES } from './tax-document';
import { normaliseCountry, resolveUsState, stateOfZip, type UsStateInfo } from './geo';
import { nonEmpty } from './util';

/** First present purpose wins (line `locations` override header `defaultLocations` per purpose). */
export const DESTINATION_ORDER: readonly LocationPurpose[] = [
  'shipTo',
  'pos',
  'poo',
  'billingLocation',
  'callReceived',
  'serviceRendered',
  'firstUse',
];
export const ORIGIN_ORDER: readonly LocationPurpose[] = ['shipFrom', 'pos', 'callPlaced', 'pom', 'poa', 'dropship'];

export type Role = 'origin' | 'destination';

export interface LocationRef {
  purpose: LocationPurpose;
  content: LocationContent;
  fromLine: boolean;
}

export interface Place {
  country?: string;
  state?: UsStateInfo;
  /** Non-US: the province / region as sent (upper-case), e.g. "ON". */
  region?: string;
  zip?: string;
  /** US: the address named no state; `state` is the ZIP's (and the country, when none was given). */
  stateFromZip?: boolean;
  /** US: the ZIP's own state when it differs from the state the address names. */
  zipState?: UsStateInfo;
}

export const isPresent = (v: unknown): v is LocationContent => typeof v === 'object' && v !== null;

export function effectiveLocations(header: TaxDocumentHeader, line: TaxDocumentLine): Map<LocationPurpose, LocationRef> {
  const out = new Map<LocationPurpose, LocationRef>();
  for (const purpose of LOCATION_PURPOSES) {
    const own = line.locations?.[purpose];
    const inherited = header.defaultLocations?.[purpose];
    if (isPresent(own)) out.set(purpose, { purpose, content: own, fromLine: true });
    else if (isPresent(inherited)) out.set(purpose, { purpose, content: inherited, fromLine: false });
  }
  return out;
}

export function firstOf(order: readonly LocationPurpose[], locations: Map<LocationPurpose, LocationRef>): LocationRef | undefined {
  for (const p of order) {
    const ref = locations.get(p);
    if (ref) return ref;
  }
  return undefined;
}

/** Country, US state / province and ZIP5 of a location's address; a US state and no country is taken as US. */
const placeCache = new WeakMap<LocationContent, Place | undefined>();
export function placeOf(ref: LocationRef | undefined): Place | undefined {
  if (!ref) return undefined;
  if (placeCache.has(ref.content)) return placeCache.get(ref.content);
  const address = ref.content.address;
  let place: Place | undefined;
  if (address) {
    const regionText = address.state ?? address.province;
    const named = resolveUsState(regionText);
    const givenCountry = normaliseCountry(address.country);
    const zip = zip5(address.zipcode ?? address.postalCode ?? address.postcode);
    // A ZIP alone (no state, no country) is read as a US ZIP when it is a known one.
    const zipState = givenCountry === 'US' || (givenCountry === undefined && (named !== undefined || !nonEmpty(regionText))) ? stateOfZip(zip) : undefined;
    const country = givenCountry ?? (named || zipState ? 'US' : undefined);
    if (country === 'US') {
      place = { country, state: named ?? zipState, zip };
      if (!named && zipState) place.stateFromZip = true;
      else if (named && zipState && zipState.code !== named.code) place.zipState = zipState;
    } else place = { country, region: typeof regionText === 'string' ? regionText.trim().toUpperCase() : undefined };
  }
  placeCache.set(ref.content, place);
  return place;
}

export function stripTaxLocationPurpose(locations: Locations | undefined): void {
  if (!locations) return;
  for (const value of Object.values(locations)) if (isPresent(value)) delete value.taxLocationPurpose;
}

/** First five digits of a US ZIP ("98101-1234" → "98101"); undefined when it is not one. */
export function zip5(value: string | undefined | null): string | undefined {
  const m = typeof value === 'string' ? /^\s*(\d{5})(?:[-\s]?\d{4})?\s*$/.exec(value) : null;
  return m ? m[1] : undefined;
}
