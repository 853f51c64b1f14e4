/**
 * Coverage messages: what content could not cover for a line, said on the document instead of a quietly
 * wrong figure. Each check reads content only (first dates, boundaries, the state lists); none changes a
 * figure. docs/tax-engine.md "Coverage messages" lists the codes and their severities.
 */
import type { TaxContent } from './engine.types';
import { firstBoundaryDate, firstLocalRateDate, firstStateRateDate, firstTaxabilityDate, localJurisdiction, notModelledFor, zipLookup } from './content/lookup';
import type { UsStateInfo } from './geo';
import type { Place } from './locations';
import type { CoverageMessage, LocationPurpose, TaxDocumentLine } from './tax-document';

const SOURCE = 'tax-ledger content' as const;

/** The coverage checks of one line, writing into `messages` (one message per code and subject). */
export function coverageNotes(messages: CoverageMessage[], line: TaxDocumentLine, index: number) {
  const refersTo = `Line ${line.lineCode ?? index + 1}`;
  const seen = new Set<string>();
  const add = (m: Omit<CoverageMessage, 'refersTo' | 'source' | 'lineIndex' | 'lineCode'>) => {
    const key = `${m.code}|${m.level ?? ''}|${m.jurisdictionName ?? ''}|${m.zip ?? ''}|${m.region ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    messages.push({ ...m, refersTo, source: SOURCE, lineIndex: index, ...(line.lineCode !== undefined ? { lineCode: line.lineCode } : {}) });
  };

  return {
    noLocation(purpose?: LocationPurpose) {
      add({
        code: 'NoTaxLocation',
        severity: 'Error',
        level: 'Address',
        summary: purpose ? `The ${purpose} address has no country or US state that can be taxed` : 'The line has no address',
        details: 'No jurisdiction could be placed, so no tax was calculated for this line (tax 0, amount exempt).',
      });
    },

    address(place: Place, purpose: LocationPurpose) {
      if (place.stateFromZip && place.state) {
        add({
          code: 'StateInferredFromZip',
          severity: 'Warning',
          level: 'Address',
          region: place.state.code,
          ...(place.zip ? { zip: place.zip } : {}),
          summary: `The ${purpose} address has no state; ${place.state.code} was taken from ZIP ${place.zip}`,
          details: `Tax was calculated for ${place.state.name}, the state of ZIP ${place.zip}. Send the state to be sure.`,
        });
      }
      if (place.zipState && place.state) {
        add({
          code: 'AddressStateZipMismatch',
          severity: 'Error',
          level: 'Address',
          region: place.state.code,
          ...(place.zip ? { zip: place.zip } : {}),
          summary: `ZIP ${place.zip} of the ${purpose} address is in ${place.zipState.code}, not ${place.state.code}`,
          details: `Tax was calculated for the state given (${place.state.name}) without local taxes of that ZIP; correct the address.`,
        });
      }
    },

    noStateRate(content: TaxContent, state: UsStateInfo | undefined, date: string) {
      if (!state) {
        add({ code: 'RegionNotCovered', severity: 'Error', level: 'StateOrProvince', summary: 'The address names no US state content knows', details: 'No state or local tax was calculated for this line.' });
        return;
      }
      const first = firstStateRateDate(content, state.code);
      if (first !== undefined && date < first) {
        add({
          code: 'DateBeforeContent',
          severity: 'Error',
          level: 'StateOrProvince',
          jurisdictionName: state.name,
          region: state.code,
          firstDate: first,
          summary: `${state.name}: the tax date ${date} is before the first rate in content (${first})`,
          details: `No ${state.name} tax was calculated; content has this state's rates from ${first}.`,
        });
      } else {
        add({ code: 'RegionNotCovered', severity: 'Error', level: 'StateOrProvince', jurisdictionName: state.name, region: state.code, summary: `${state.name} has no rate in content on ${date}`, details: 'No state or local tax was calculated for this line.' });
      }
    },

    noCountryRate(content: TaxContent, country: string, region: string | undefined, date: string) {
      const known = content.rates.filter((r) => r.country === country);
      const first = known.reduce<string | undefined>((m, r) => (m === undefined || r.effectiveDate < m ? r.effectiveDate : m), undefined);
      if (first !== undefined && date < first) {
        add({ code: 'DateBeforeContent', severity: 'Error', level: 'Country', region: country, firstDate: first, summary: `${country}: the tax date ${date} is before the first rate in content (${first})`, details: 'No VAT/GST was calculated for this line.' });
      } else if (known.length > 0) {
        add({ code: 'RegionNotCovered', severity: 'Error', level: 'StateOrProvince', region: `${country}-${region ?? ''}`, summary: `${country}: no tax for the province ${JSON.stringify(region ?? '')} in content`, details: 'No tax was calculated for this line; give the province code.' });
      } else {
        add({ code: 'RegionNotCovered', severity: 'Error', level: 'Country', region: country, summary: `Country ${country} is not in content`, details: 'No tax was calculated for this line.' });
      }
    },

    /** Local (county / city / special) content for a ZIP in a state with local taxes, on the tax date. */
    localCoverage(content: TaxContent, state: UsStateInfo, zip: string | undefined, date: string) {
      if (content.statesWithoutLocalTax?.includes(state.code)) return;
      const lookup = zipLookup(content, state.code, zip, date);
      if (!lookup) {
        const first = zip ? firstBoundaryDate(content, state.code, zip) : undefined;
        if (first !== undefined && date < first) {
          add({
            code: 'DateBeforeContent',
            severity: 'Error',
            level: 'Local',
            region: state.code,
            zip,
            firstDate: first,
            summary: `ZIP ${zip}: the tax date ${date} is before the first local content (${first})`,
            details: `Only the ${state.name} state tax was calculated; county, city and special taxes of ZIP ${zip} are in content from ${first}.`,
          });
        } else {
          add({
            code: 'LocalContentMissing',
            severity: 'Error',
            level: 'Local',
            region: state.code,
            ...(zip ? { zip } : {}),
            summary: zip ? `No local tax content for ZIP ${zip} (${state.code})` : `No ZIP code: local taxes of ${state.code} cannot be placed`,
            details: `Only the ${state.name} state tax was calculated; county, city and special taxes that apply here are missing. Import a ZIP rate table or SST files for ${state.code}.`,
          });
        }
        return;
      }
      for (const code of lookup.boundary.jurisCodes) {
        if (lookup.locals.some((l) => l.jurisdiction.jurisCode === code)) continue;
        const j = localJurisdiction(content, state.code, code);
        const first = firstLocalRateDate(content, state.code, code);
        if (j && first !== undefined && date < first) {
          add({
            code: 'DateBeforeContent',
            severity: 'Error',
            level: 'Local',
            jurisdictionName: j.jurisName,
            region: state.code,
            ...(zip ? { zip } : {}),
            firstDate: first,
            summary: `${j.jurisName}: the tax date ${date} is before its first rate in content (${first})`,
            details: `No ${j.jurisName} tax was calculated; content has its rates from ${first}.`,
          });
        }
      }
    },

    /** The tax code is known, its taxability rules reach back to the date, and no not-modelled rule touches it. */
    taxability(content: TaxContent, taxCode: string, category: string | undefined, country: string, region: string, date: string) {
      if (category === undefined) {
        add({
          code: 'UnknownTaxCode',
          severity: 'Warning',
          level: 'Taxability',
          taxCode,
          summary: `Tax code ${taxCode} is not in content; taxed as tangible personal property`,
          details: 'Any exemption, reduced rate or threshold of this product is not applied. Map the item to a known tax code.',
        });
        return;
      }
      const first = firstTaxabilityDate(content, category, country, region);
      if (first !== undefined && date < first) {
        add({
          code: 'DateBeforeContent',
          severity: 'Error',
          level: 'Taxability',
          taxCode: category,
          region: region || country,
          firstDate: first,
          summary: `Taxability of ${category} in ${region || country}: the tax date ${date} is before the first rule in content (${first})`,
          details: 'The product was treated as taxable at the full rate; its exemption or reduced rate on that date is not in content.',
        });
      }
      for (const n of notModelledFor(content, category, country, region, date)) {
        add({ code: 'RuleNotModelled', severity: n.severity, level: 'Taxability', taxCode: category, region: region || country, summary: `Not modelled for ${category} in ${region || country}: ${n.note}`, details: 'The figure follows the general rule for this product; check it.' });
      }
    },

    /** Price thresholds or bands of the product there are in `ruleCurrency`; the document is in `currency`, and amounts are never converted. */
    priceCurrency(taxCode: string, country: string, region: string, ruleCurrency: string, currency: string) {
      add({
        code: 'PriceRuleCurrency',
        severity: 'Error',
        level: 'Taxability',
        taxCode,
        region: region || country,
        summary: `${taxCode} in ${region || country} has price thresholds in ${ruleCurrency}; the document is in ${currency}`,
        details: `The per-item price limits and bands (exemption thresholds, capped or banded taxes, holidays) were not applied, because amounts are not converted between currencies: the product was taxed under its general rule. Send the document in ${ruleCurrency}.`,
      });
    },
  };
}
