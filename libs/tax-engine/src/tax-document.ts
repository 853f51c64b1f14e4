/**
 * The TNG TaxDocument format (seed: tng-tax-api-blueprint.apib, "TaxDocument format").
 * Request fields are what a client sends; the engine fills in `calculatedTax` per line and the
 * `calculatedTaxSummary`. Amounts travel as JSON numbers (decimal text on the wire) and are
 * computed with decimal.js inside the engine — never with binary floats.
 */

export const TRANSACTION_TYPES = ['Sale', 'Purchase', 'Transfer'] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];

/** Location purposes accepted in `defaultLocations` / line `locations` (seed "Location Format"). */
export const ORIGIN_PURPOSES = ['shipFrom', 'callPlaced', 'pom', 'poa', 'dropship'] as const;
export const DESTINATION_PURPOSES = [
  'shipTo',
  'poo',
  'billingLocation',
  'callReceived',
  'serviceRendered',
  'firstUse',
] as const;
/** `pos` plays both roles. */
export const LOCATION_PURPOSES = [...ORIGIN_PURPOSES, 'pos', ...DESTINATION_PURPOSES] as const;
export type LocationPurpose = (typeof LOCATION_PURPOSES)[number];

/** Entity use types A..R from the seed header table (L = default processing). */
export const ENTITY_USE_TYPES = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'N', 'P', 'Q', 'R'] as const;
export type EntityUseType = (typeof ENTITY_USE_TYPES)[number];

export interface Address {
  line1?: string;
  line2?: string;
  line3?: string;
  city?: string;
  municipality?: string;
  town?: string;
  state?: string;
  province?: string;
  /** ISO 3166-1 alpha-3 ("USA", "CAN", "GBR"); alpha-2 is accepted and normalised. */
  country?: string;
  zipcode?: string;
  postalCode?: string;
  postcode?: string;
}

export interface LatLong {
  latitude: number;
  longitude: number;
}

export interface LocationContent {
  address?: Address;
  latlong?: LatLong;
  locationCode?: string;
  IpAddress?: string;
  addressTaxPayerCode?: string;
  addressEntityUseType?: EntityUseType;
  /** Added by the engine on locations used in the calculation. */
  taxLocationPurpose?: 'origin' | 'destination';
}

export type Locations = Partial<Record<LocationPurpose, LocationContent>>;

export type Metadata = Record<string, string>;

export interface TaxDocumentHeader {
  companyCode: string;
  transactionType: TransactionType;
  documentCode?: string;
  customerCode?: string;
  vendorCode?: string;
  /** ISO 8601 date, YYYY-MM-DD. */
  transactionDate: string;
  /** ISO 4217; defaults to USD. */
  currency?: string;
  totalTaxOverrideAmount?: number;
  /** ISO 8601 date; defaults to transactionDate. */
  taxCalculationDate?: string;
  defaultAvalaraGoodsAndServicesModifierType?: string;
  defaultLocations?: Locations;
  defaultTaxPayerCode?: string;
  defaultEntityUseType?: EntityUseType;
  purchaseOrderNumber?: string;
  metadata?: Metadata;
}

export interface TaxDocumentLine {
  lineCode: string;
  itemCode: string;
  avalaraGoodsAndServicesType?: string;
  avalaraGoodsAndServicesModifierType?: string;
  quantity?: number;
  extendedAmount: number;
  itemDescription: string;
  unitOfMeasure?: string;
  locations?: Locations;
  taxPayerCode?: string;
  entityUseType?: EntityUseType;
  taxOverrideAmount?: number;
  taxIncluded?: boolean;
  /** This line's tax date (rates, nexus, taxability), overriding the header's (a return of goods bought on different dates). */
  taxCalculationDate?: string;
  metadata?: Metadata;
  /** Response only. */
  calculatedTax?: CalculatedTax;
}

/** What a client sends. */
export interface TaxDocument {
  header: TaxDocumentHeader;
  lines: TaxDocumentLine[];
}

export interface TaxDetail {
  taxType: string;
  subtotalTaxable: number;
  subtotalExempt: number;
  /** Decimal fraction: 0.065 means 6.5 %. */
  rate: number;
  tax: number;
  exempt: boolean;
  exemptionReason?: string;
  passthrough: boolean;
  originLocation?: LocationPurpose;
  destinationLocation?: LocationPurpose;
}

export interface TaxAuthority {
  jurisdictionName: string;
  /** "Country" | "StateOrProvince" | "County" | "City" | "Special" */
  jurisdictionType: string;
  /** Jurisdiction code from content (e.g. "53" for Washington state by FIPS). */
  jurisdictionCode?: string;
  details: TaxDetail[];
}

export interface CalculatedTax {
  appliedTax: number;
  subtotalTaxable: number;
  subtotalExempt: number;
  taxAuthorities: TaxAuthority[];
}

export interface CalculatedTaxSummary {
  numberOfTaxableLines: number;
  numberOfExemptLines: number;
  numberOfLines: number;
  subtotal: number;
  subtotalTaxable: number;
  subtotalExempt: number;
  tax: number;
  grandTotal: number;
}

/** The engine's output: the request with tax inserted where it applies. */
export interface CalculatedTaxDocument {
  header: TaxDocumentHeader & { currency: string };
  lines: (TaxDocumentLine & { calculatedTax: CalculatedTax })[];
  calculatedTaxSummary: CalculatedTaxSummary;
  /**
   * What the content could not cover for this document (absent when everything was covered). Part of the
   * calculated document, so the event that records it keeps what the engine knew. See docs/tax-engine.md
   * "Coverage messages".
   */
  messages?: CoverageMessage[];
}

/** How far a coverage gap puts the figure in doubt: Error = the tax may be wrong; Warning = right as far as content goes, but worth a look. */
export type CoverageSeverity = 'Error' | 'Warning';

export type CoverageCode =
  /** The ZIP has no local (county / city / special) content in a state with local taxes. */
  | 'LocalContentMissing'
  /** The tax date is before the first rate or rule content has for a jurisdiction. */
  | 'DateBeforeContent'
  /** A US state, a country or a province content has no rates for. */
  | 'RegionNotCovered'
  /** No usable address on the line: no tax could be placed. */
  | 'NoTaxLocation'
  /** The address's ZIP lies in another state than the one given. */
  | 'AddressStateZipMismatch'
  /** The address had no state; it was taken from its ZIP. */
  | 'StateInferredFromZip'
  /** The line's tax code is not in content; it was taxed as tangible personal property. */
  | 'UnknownTaxCode'
  /** A rule content lists as not modelled applies to this product in this place. */
  | 'RuleNotModelled'
  /** A price threshold or band of this product in this place is in another currency than the document's: not applied. */
  | 'PriceRuleCurrency';

/** One coverage gap (AvaTax's message shape plus the facts it is about). */
export interface CoverageMessage {
  code: CoverageCode;
  severity: CoverageSeverity;
  /** One line a person reads first. */
  summary: string;
  /** What was done instead and what it means for the figure. */
  details: string;
  /** What it is about: `Line <lineCode>` or `Header`. */
  refersTo: string;
  source: 'tax-ledger content';
  /** The line it is about (index into `lines`). */
  lineIndex?: number;
  lineCode?: string;
  /** The jurisdiction level the gap is at: StateOrProvince, Local (county / city / special), Country, Taxability, Address. */
  level?: 'Country' | 'StateOrProvince' | 'Local' | 'Taxability' | 'Address';
  jurisdictionName?: string;
  region?: string;
  zip?: string;
  /** DateBeforeContent: the first date content has for that jurisdiction or rule. */
  firstDate?: string;
  taxCode?: string;
}

export interface ProcessingInfo {
  transactionState: string;
  versionId: string;
  /** Extension to the seed: the version number (1, 2, …), as used by …/versions/{n}. */
  version?: number;
  formatId: number;
  /** Seconds taken by the calculation. */
  duration: number;
  /** ISO 8601 instant of the most recent change. */
  modifiedDate: string;
  batchId?: string;
}
