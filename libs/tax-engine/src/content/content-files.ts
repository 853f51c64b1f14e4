/** The shapes of the content data files (the shipped JSON and what an imported version stores). */
import type { TaxabilityRule, TaxCodeEntry } from '../engine.types';

/** Shape of `us-state-rates.json`. */
export interface UsStateRatesFile {
  sources: Record<string, string>;
  states: {
    code: string;
    name: string;
    fips: string;
    rates: { rate: string; effectiveDate: string; endDate?: string; effectiveDateIsFloor?: boolean; sources?: string[] }[];
  }[];
}

/** Shape of `us-sourcing.json`. */
export interface UsSourcingFile {
  rules: Record<string, string>;
  mixedDestinationLevels?: Record<string, string[]>;
  /** States (and DC) with no local sales taxes: a ZIP there needs no local content. */
  statesWithoutLocalTax?: { states: string[] };
  /** States that publish one combined rate per location: a line's tax is rounded once on it. */
  combinedRateRounding?: { states: string[] };
}

interface DatedRate {
  rate: string;
  effectiveDate: string;
  endDate?: string;
  effectiveDateIsFloor?: boolean;
  sources?: string[];
}

/** Shape of `us-local-jurisdictions.json` (also what the ZIP-rate and SST importers produce). */
export interface UsLocalFile {
  sources: Record<string, string>;
  jurisdictions: {
    region: string;
    jurisTypeId: 'CTY' | 'CIT' | 'STJ';
    jurisCode: string;
    jurisName: string;
    stateAdministered?: boolean;
    note?: string;
    rates: DatedRate[];
  }[];
  boundaries: {
    zips: string[];
    region: string;
    jurisCodes: string[];
    effectiveDate: string;
    endDate?: string;
    stateRate?: string;
    sources?: string[];
  }[];
}

/** Shape of `taxability.json`. */
export interface TaxabilityFile {
  sources: Record<string, string>;
  /** ISO 4217 currency of the price conditions and bands, per country; absent in stored versions: { US: USD }. */
  priceCurrency?: Record<string, string>;
  taxCodes: TaxCodeEntry[];
  rules: ({
    taxCode: string;
    country: string;
    regions: string[] | '*';
    except?: string[];
    treatment: string;
    rate?: string;
    effectiveDate: string;
    endDate?: string;
    sources?: string[];
    note?: string;
  } & RuleKindFields)[];
  /** Rules content knows it does not model: calculations they touch carry RuleNotModelled. */
  notModelled?: { taxCode: string; country: string; regions: string[] | '*'; effectiveDate: string; endDate?: string; severity: 'Error' | 'Warning'; note: string; sources?: string[] }[];
}

/** The optional fields of the rule kinds (see TaxabilityRule). */
export type RuleKindFields = Partial<Pick<TaxabilityRule, 'levels' | 'jurisCodes' | 'unitPriceBelow' | 'unitPriceAtMost' | 'taxableShare' | 'bandAbove' | 'bandUpTo' | 'taxType' | 'holiday' | 'currency'>>;

/** Shape of `sales-tax-holidays.json`: dated exemptions per state and product class with a price limit per item. */
export interface HolidaysFile {
  sources: Record<string, string>;
  /** ISO 4217 currency of the price limits (the holidays are US states'); absent in stored versions: USD. */
  currency?: string;
  holidays: { name: string; region: string; effectiveDate: string; endDate: string; taxCodes: string[]; unitPrice?: { below?: string; atMost?: string }; sources?: string[]; note?: string }[];
}

interface VatPeriod {
  effectiveDate: string;
  endDate?: string;
  effectiveDateIsFloor?: boolean;
  standard: string;
  reduced: string[];
  food?: string;
  medicine?: string;
  sources?: string[];
}

/** Shape of `vat-gst-rates.json`. */
export interface VatFile {
  sources: Record<string, string>;
  countries: { country: string; name: string; taxName: string; periods: VatPeriod[] }[];
  canada: {
    country: string;
    name: string;
    food?: string;
    medicine?: string;
    provinces: { region: string; name: string; taxes: { taxName: string; level: 'Country' | 'StateOrProvince'; periods: DatedRate[] }[] }[];
  };
}

/** All content data files: what the shipped content is built from and what an imported version stores. */
export interface ContentBundle {
  usStateRates: UsStateRatesFile;
  usSourcing: UsSourcingFile;
  usLocal: UsLocalFile;
  taxability: TaxabilityFile;
  vat: VatFile;
  /** Absent in content versions stored before holidays existed: no holidays. */
  holidays?: HolidaysFile;
}
