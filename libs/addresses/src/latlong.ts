import type { LocationContent, Locations, TaxDocument } from '@tax-ledger/tax-engine';
import { resolveAddress } from './resolve-address';

/** A location with the latlong of its address filled in, when the address is valid and can be located. */
function locate(location: LocationContent | undefined): LocationContent | undefined {
  if (!location || typeof location !== 'object' || location.latlong || !location.address) return location;
  const resolution = resolveAddress(location.address);
  if (!resolution.isValid || !resolution.geocode) return location;
  return { ...location, latlong: { latitude: resolution.geocode.latitude, longitude: resolution.geocode.longitude } };
}

function locateAll(locations: Locations | undefined): Locations | undefined {
  if (!locations || typeof locations !== 'object') return locations;
  return Object.fromEntries(Object.entries(locations).map(([purpose, location]) => [purpose, locate(location)])) as Locations;
}

/**
 * The seed's `latlong` (LatLong format: latitude and longitude as decimals) on every location of the
 * document whose address is valid and can be located, header defaults and line locations alike. A
 * latlong the client sent is kept. Pure: returns a new document, the argument is not changed.
 */
export function withLatLong<D extends TaxDocument>(document: D): D {
  const header = document.header.defaultLocations
    ? { ...document.header, defaultLocations: locateAll(document.header.defaultLocations) }
    : document.header;
  const lines = document.lines.map((line) => (line.locations ? { ...line, locations: locateAll(line.locations) } : line));
  return { ...document, header, lines };
}
