import type { Address, CalculatedTaxDocument, TaxDocument } from './tax-document';

/**
 * What the engine needs to know about the company a document belongs to: the contract between the
 * onboarding side (which keeps companies, nexus, items and certificates as events and projects them)
 * and the engine (which only reads this plain object). Every field but companyCode is optional; the
 * API builds it per request through the COMPANY_SETUP port (apps/api/src/company-setup).
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
  /** Item catalogue: a line's itemCode maps to its tax code (the line's own taxCode wins). */
  items?: ItemMapping[];
  /** Item used for lines whose itemCode is unknown (and which carry no taxCode). */
  fallbackItemCode?: string;
  /** Exemption certificates on file, matched by the document's customerCode and the sourced region. */
  certificates?: ExemptionCertificate[];
  /** The company's locations: a location content that names only a locationCode takes its address (company-locations.ts). */
  locations?: { locationCode: string; address: Address }[];
}

/** Jurisdiction levels, as REST v2 jurisTypeId spells them. */
export type JurisTypeId = 'CNT' | 'STA' | 'CTY' | 'CIT' | 'STJ';

export type NexusTypeId = 'SalesOrSellersUseTax' | 'SalesTax' | 'SellersUseTax' | 'ConsumersUseTax' | 'VendorsUseTax' | 'None';
export type LocalNexusTypeId = 'Selected' | 'StateAdministered' | 'All';

export interface NexusDeclaration {
  /** ISO 3166-1 alpha-2 or alpha-3 country code. */
  country: string;
  /** State / province code, e.g. "WA". */
  region: string;
  /** Level of the jurisdiction declared; state level ('STA') when absent. */
  jurisTypeId?: JurisTypeId;
  /** Jurisdiction code (content's jurisdictionCode); the state's own code when absent. */
  jurisCode?: string;
  jurisName?: string;
  /** ISO date the nexus starts (inclusive). */
  effectiveDate: string;
  /** ISO date the nexus ends (inclusive); open-ended when absent. */
  endDate?: string;
  /** Default SalesOrSellersUseTax. */
  nexusTypeId?: NexusTypeId;
  /** State-level nexus only: also collect local taxes (per localNexusTypeId). */
  hasLocalNexus?: boolean;
  localNexusTypeId?: LocalNexusTypeId;
  hasPermanentEstablishment?: boolean;
}

/** An item's tax code. Also the shape the ledger stores in `ItemMapped` events: change it only compatibly. */
export interface ItemMapping {
  itemCode: string;
  taxCode: string;
  description?: string;
}

/**
 * An exemption certificate on file. Also the shape the ledger stores in `CertificateAdded` events
 * (libs/companies/src/company.events.ts): change it only compatibly (new optional fields), since stored events
 * are read back as this type.
 */
export interface ExemptionCertificate {
  certificateId: string;
  /** The customer it was filed for ('' when it was created without one and linked later). */
  customerCode: string;
  /** Further customers it is linked to (AvaTax's linkCertificatesToCustomer). */
  customerCodes?: string[];
  /** The number printed on the certificate (AvaTax exemptionNumber). */
  exemptionNumber?: string;
  /** Regions covered: `${country}-${region}` pairs, e.g. { country: 'US', region: 'WA' }. */
  regions: Array<{ country: string; region: string }>;
  /** Entity use code (A..R) or a free-text exemption reason; at least one is given. */
  entityUseCode?: string;
  exemptionReason?: string;
  /** ISO dates, inclusive; open-ended when expirationDate is absent. */
  effectiveDate: string;
  expirationDate?: string;
}

/**
 * Why an amount was exempt, grouped as filing reports need it. The engine sets `exemptionReason` text
 * on details; `exemptionCategoryOf` (engine.ts) maps any reason it produces back to one of these.
 */
export type ExemptionCategory = 'certificate_or_entity_use' | 'non_taxable' | 'no_nexus' | 'other';

/** A jurisdiction an address falls in (nexus by address, jurisdiction lookups). */
export interface Jurisdiction {
  /** ISO 3166-1 alpha-2. */
  country: string;
  region: string;
  jurisTypeId: JurisTypeId;
  jurisCode: string;
  jurisName: string;
}

/** One dated rate of one tax in one jurisdiction. */
export interface RateEntry {
  country: string; // alpha-2
  region: string; // state / province code; '' for a country-wide VAT/GST
  jurisdictionName: string; // e.g. "WASHINGTON"
  jurisdictionType: 'StateOrProvince' | 'County' | 'City' | 'Special' | 'Country';
  /** 'VAT' / 'GST' / 'HST' / 'PST' … for non-US taxes; US sales and use tax when absent. */
  taxName?: string;
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

/** A local (below state) US jurisdiction content knows; its rates are RateEntry rows with the same code. */
export interface LocalJurisdiction {
  country: string; // alpha-2, 'US'
  region: string;
  jurisTypeId: 'CTY' | 'CIT' | 'STJ';
  jurisCode: string;
  jurisName: string;
  /** Collected and reported through the state (localNexusTypeId 'StateAdministered' covers it). */
  stateAdministered: boolean;
}

/** ZIP5 → the local jurisdictions that apply there, dated. */
export interface ZipBoundary {
  zip: string;
  region: string;
  jurisCodes: string[];
  effectiveDate: string;
  endDate?: string;
  /** Imported ZIP rate tables: the state-level rate published for this ZIP (replaces the state rate here). */
  stateRate?: string;
}

/**
 * taxable / exempt / reduced (the governed taxes at `rate` instead); additional: an extra tax at the
 * governed level on the rule's price band (TN single-article state tax).
 */
export type TaxabilityTreatment = 'taxable' | 'exempt' | 'reduced' | 'additional';

/** A tax level a taxability rule can govern. */
export type TaxLevel = 'Country' | 'StateOrProvince' | 'County' | 'City' | 'Special';

/** Taxability of one tax code in one country / region ('*' = every region), dated. */
export interface TaxabilityRule {
  taxCode: string;
  country: string; // alpha-2 or '*'
  region: string; // state / province code or '*'
  treatment: TaxabilityTreatment;
  /** 'reduced' / 'additional': the rate of the governed taxes. */
  rate?: string;
  effectiveDate: string;
  endDate?: string;
  /**
   * The taxes the rule governs: these levels, and these local jurisdictions (by jurisdictionCode). Neither
   * given: taxable / exempt govern every level, reduced / additional the top level (US state, VAT country).
   */
  levels?: TaxLevel[];
  jurisCodes?: string[];
  /** The rule applies only when the line's unit price (extendedAmount / quantity) is below / at most this. */
  unitPriceBelow?: string;
  unitPriceAtMost?: string;
  /** Share of the amount that is taxable (TX SaaS and data processing: 0.8). */
  taxableShare?: string;
  /** The part of each unit's price that is taxed: above `bandAbove` and up to `bandUpTo` (MA clothing over $175, TN local tax on the first $1,600). */
  bandAbove?: string;
  bandUpTo?: string;
  /** 'additional': the tax type of the extra tax, e.g. "TENNESSEE STATE SINGLE ARTICLE Sales". */
  taxType?: string;
  /** A sales-tax holiday (its name): wins over every other rule while its price condition holds. */
  holiday?: string;
  /** ISO 4217 currency of the rule's prices and bands; set on every rule that has one. A document in another currency does not get the rule. */
  currency?: string;
}

/** A rule content knows it does not model for a product in a place: calculations it touches carry RuleNotModelled. */
export interface NotModelledRule {
  taxCode: string;
  country: string;
  region: string;
  effectiveDate: string;
  endDate?: string;
  severity: 'Error' | 'Warning';
  note: string;
}

export interface TaxCodeEntry {
  code: string;
  description: string;
  /** Codes starting with this prefix fall under this entry (PC040402 → PC040100). */
  prefix?: string;
}

/** Content: rates and rules with effective dates, identified by a version id every calculation records. */
export interface TaxContent {
  version: string;
  /**
   * Every dated rate of every jurisdiction: US states (StateOrProvince), US locals (County / City /
   * Special, jurisdictionCode = the LocalJurisdiction's jurisCode), VAT/GST countries (Country; region ''
   * or a Canadian province) and provincial taxes (StateOrProvince).
   */
  rates: RateEntry[];
  /** In-state sourcing rule per US state (interstate is always destination). */
  sourcing: Record<string, SourcingRule>;
  /** Mixed states: the local levels sourced to the destination (CA: district taxes); the others follow the origin. */
  mixedDestinationLevels?: Record<string, Array<RateEntry['jurisdictionType']>>;
  /** US states with no local sales taxes (a ZIP there needs no local content). Absent: every state may have locals. */
  statesWithoutLocalTax?: string[];
  /** US states whose tax is rounded once on the combined rate of a line (WA, CA); others round per jurisdiction. */
  combinedRateRounding?: string[];
  localJurisdictions?: LocalJurisdiction[];
  boundaries?: ZipBoundary[];
  taxCodes?: TaxCodeEntry[];
  taxability?: TaxabilityRule[];
  notModelled?: NotModelledRule[];
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
