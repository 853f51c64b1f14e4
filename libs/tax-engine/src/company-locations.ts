import type { CompanySetup } from './engine.types';
import { TaxCalculationError } from './errors';
import type { LocationContent, Locations, TaxDocument } from './tax-document';

/**
 * A location given only by its `locationCode` ("the identity of a pre-configured location unique to
 * the company", as the TNG blueprint and AvaTax's `addresses.*.locationCode` have it) takes the address
 * of the company's location with that code. The document that is calculated, and recorded, holds that
 * address: a later change to the location does not change what was recorded. A code the company does
 * not have is refused (LocationNotFound, naming where it was sent); contents with an address or
 * coordinates of their own are left as sent.
 */
export function withCompanyLocations(document: TaxDocument, company: CompanySetup): TaxDocument {
  const resolve = (locations: Locations | undefined, path: string): Locations | undefined => {
    if (!locations) return locations;
    let changed = false;
    const out: Locations = { ...locations };
    for (const [purpose, content] of Object.entries(locations) as [keyof Locations, LocationContent | undefined][]) {
      if (!content || typeof content !== 'object' || content.address || content.latlong || !content.locationCode) continue;
      const code = content.locationCode;
      const location = company.locations?.find((l) => l.locationCode === code);
      if (!location) {
        throw new TaxCalculationError('LocationNotFound', `Company "${company.companyCode}" has no location "${code}".`, `${path}/${purpose}/locationCode`);
      }
      out[purpose] = { ...content, address: { ...location.address } };
      changed = true;
    }
    return changed ? out : locations;
  };
  const defaultLocations = resolve(document.header.defaultLocations, '/header/defaultLocations');
  const lines = (document.lines ?? []).map((line, i) => {
    const locations = resolve(line.locations, `/lines/${i}/locations`);
    return locations === line.locations ? line : { ...line, locations };
  });
  if (defaultLocations === document.header.defaultLocations && lines.every((l, i) => l === document.lines[i])) return document;
  return { ...document, header: { ...document.header, ...(defaultLocations ? { defaultLocations } : {}) }, lines };
}
