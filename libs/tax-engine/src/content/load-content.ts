/** Tax content built from its data files (shipped or imported): each part checked by its own module, then one frozen TaxContent with a version id derived from the data. */
import { createHash } from 'crypto';
import type { RateEntry, SourcingRule, TaxContent } from '../engine.types';
import type { ContentBundle, HolidaysFile, TaxabilityFile, UsLocalFile, UsSourcingFile, UsStateRatesFile, VatFile } from './content-files';
import { localContent, mixedDestinationLevels, sourcingRules, stateList, stateRateEntries } from './us-content';
import { taxabilityRules } from './taxability-content';
import { vatContent } from './vat-content';
import usSourcingFile from './us-sourcing.json';
import usStateRatesFile from './us-state-rates.json';
import taxabilityFile from './taxability.json';
import usLocalFile from './us-local-jurisdictions.json';
import vatFile from './vat-gst-rates.json';
import holidaysFile from './sales-tax-holidays.json';

/**
 * Content version id, derived from the data: `<prefix>-<latest effectiveDate>-<first 12 hex of sha256>`
 * over the canonical JSON of everything the engine reads, e.g. "content-2025-10-01-1a2b3c4d5e6f".
 * The date tells a human how current the content is; the hash changes with any figure.
 */
export function contentVersionOf(rates: readonly RateEntry[], sourcing: Record<string, SourcingRule>, prefix = 'content', rest: Partial<TaxContent> = {}): string {
  const latest = rates.reduce((max, r) => (r.effectiveDate > max ? r.effectiveDate : max), '0000-00-00');
  const canonical = JSON.stringify({
    rates: rates.map((r) => [r.country, r.region, r.jurisdictionType, r.jurisdictionCode, r.jurisdictionName, r.taxType, r.rate, r.effectiveDate, r.endDate ?? null]),
    sourcing: Object.keys(sourcing).sort().map((k) => [k, sourcing[k]]),
    mixed: rest.mixedDestinationLevels ?? null,
    noLocal: rest.statesWithoutLocalTax ?? null,
    combined: rest.combinedRateRounding ?? null,
    locals: rest.localJurisdictions ?? null,
    boundaries: rest.boundaries ?? null,
    taxability: rest.taxability ?? null,
    taxCodes: rest.taxCodes ?? null,
    notModelled: rest.notModelled ?? null,
  });
  const hash = createHash('sha256').update(canonical).digest('hex').slice(0, 12);
  return `${prefix}-${latest}-${hash}`;
}

/** The shipped data files as one bundle (a copy: importers derive new bundles from it). */
export function defaultBundle(): ContentBundle {
  return structuredClone({
    usStateRates: usStateRatesFile as UsStateRatesFile,
    usSourcing: usSourcingFile as UsSourcingFile,
    usLocal: usLocalFile as UsLocalFile,
    taxability: taxabilityFile as TaxabilityFile,
    vat: vatFile as VatFile,
    holidays: holidaysFile as HolidaysFile,
  });
}

/** Build (and validate) content from a bundle of data files; throws TaxCalculationError('InvalidContent'). */
export function buildContentFromBundle(bundle: ContentBundle, prefix = 'content'): TaxContent {
  const stateRates = stateRateEntries(bundle.usStateRates);
  const sourcing = sourcingRules(bundle.usSourcing);
  const local = localContent(bundle.usLocal);
  const tax = taxabilityRules(bundle.taxability, bundle.holidays);
  const vat = vatContent(bundle.vat);
  const rates = [...stateRates, ...local.rates, ...vat.rates];
  const rest: Partial<TaxContent> = {
    mixedDestinationLevels: mixedDestinationLevels(bundle.usSourcing),
    statesWithoutLocalTax: stateList(bundle.usSourcing, 'statesWithoutLocalTax'),
    combinedRateRounding: stateList(bundle.usSourcing, 'combinedRateRounding'),
    localJurisdictions: local.jurisdictions,
    boundaries: local.boundaries,
    taxCodes: tax.taxCodes,
    taxability: [...tax.rules, ...vat.rules],
    notModelled: tax.notModelled,
  };
  return { version: contentVersionOf(rates, sourcing, prefix, rest), rates, sourcing, ...rest };
}

/** Build content from replacement state-rate and sourcing files, with the shipped local, taxability and VAT data. */
export function buildContent(ratesFile: UsStateRatesFile, sourcingFile: UsSourcingFile): TaxContent {
  return buildContentFromBundle({ ...defaultBundle(), usStateRates: ratesFile, usSourcing: sourcingFile });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

let defaultContent: TaxContent | undefined;

/**
 * The shipped content: state-level rates for the 50 states + DC, in-state sourcing rules, a sample of
 * local jurisdictions with ZIP boundaries, taxability of the core tax codes and VAT/GST rates.
 * Read through JSON imports (bundled by ts-jest and copied to dist by tsc), built once, frozen.
 */
export function loadDefaultContent(): TaxContent {
  defaultContent ??= deepFreeze(buildContentFromBundle(defaultBundle()));
  return defaultContent;
}
