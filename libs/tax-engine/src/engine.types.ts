import type { CalculatedTaxDocument, TaxDocument } from './tax-document';

/**
 * What the engine needs to know about the company a document belongs to. Kept small and plain so the
 * onboarding issue can grow it (items, certificates, locations) without touching callers.
 */
export interface CompanySetup {
  companyCode: string;
  /** ISO 4217, used when the document has no currency. Defaults to USD. */
  defaultCurrency?: string;
  /**
   * Declared nexus. `undefined` means "not configured": tax is collected wherever content has a rate
   * (the walking-skeleton behaviour, documented in docs/tax-engine.md). An empty array means no nexus
   * anywhere: every line is exempt with reason "No nexus".
   */
  nexus?: NexusDeclaration[];
}

export interface NexusDeclaration {
  /** ISO 3166-1 alpha-2 or alpha-3 country code. */
  country: string;
  /** State / province code, e.g. "WA". */
  region: string;
  /** ISO date the nexus starts (inclusive). */
  effectiveDate: string;
  /** ISO date the nexus ends (inclusive); open-ended when absent. */
  endDate?: string;
}

/** One dated rate of one tax in one jurisdiction. */
export interface RateEntry {
  country: string; // alpha-2
  region: string; // state code
  jurisdictionName: string; // e.g. "WASHINGTON"
  jurisdictionType: 'StateOrProvince' | 'County' | 'City' | 'Special' | 'Country';
  jurisdictionCode: string;
  taxType: string; // e.g. "WASHINGTON STATE Sales"
  /** Decimal fraction as a string, e.g. "0.065". */
  rate: string;
  /** ISO date the rate starts (inclusive). */
  effectiveDate: string;
  /** ISO date the rate ends (inclusive); open-ended when absent. */
  endDate?: string;
  /** Keys of the content file's `sources` this figure comes from. */
  sources?: string[];
}

export type SourcingRule = 'origin' | 'destination' | 'mixed';

/** Content: rates and rules with effective dates, identified by a version id every calculation records. */
export interface TaxContent {
  version: string;
  rates: RateEntry[];
  /** In-state sourcing rule per US state (interstate is always destination). */
  sourcing: Record<string, SourcingRule>;
}

export interface CalculationResult {
  document: CalculatedTaxDocument;
  /** Content version used, recorded with the event so history can be explained later. */
  contentVersion: string;
  /** The date rates were chosen by (taxCalculationDate or transactionDate). */
  taxDate: string;
}

/** The engine's one entry point: pure, deterministic, no I/O. */
export type CalculateTax = (document: TaxDocument, company: CompanySetup, content: TaxContent) => CalculationResult;
