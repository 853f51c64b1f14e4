import type { ExemptionCertificate, ItemMapping, JurisTypeId, LocalNexusTypeId, NexusTypeId } from '@tax-ledger/tax-engine';

/**
 * Company stream events: one stream per company, holding its tax setup (locations, nexus, item
 * tax-code mappings, exemption certificates, filing calendar). Every event carries accountId and
 * companyCode; who/when/why travel in the event metadata.
 */

export interface Address {
  line1: string;
  line2?: string;
  line3?: string;
  city?: string;
  region: string;
  postalCode?: string;
  country: string;
}

export interface CompanyLocation {
  /** Per-company sequence number (AvaTax location id). */
  id: number;
  locationCode: string;
  description?: string;
  address: Address;
}

/** A jurisdiction as nexus names it (REST v2): Avalara-provided codes the caller may not change. */
export interface NexusJurisdiction {
  country: string;
  region: string;
  jurisTypeId: JurisTypeId;
  jurisCode: string;
  jurisName: string;
}

/** The fields a company chooses when it declares nexus (everything else is content). */
export interface NexusChoice {
  /** ISO date (inclusive); null: valid for all dates before endDate. */
  effectiveDate: string | null;
  /** ISO date (inclusive); null: open-ended. */
  endDate: string | null;
  nexusTypeId: NexusTypeId;
  hasLocalNexus: boolean;
  localNexusTypeId: LocalNexusTypeId | null;
  hasPermanentEstablishment: boolean;
}

export interface CompanyNexus extends NexusJurisdiction, NexusChoice {
  /** Per-company sequence number (AvaTax nexus id). */
  id: number;
}

export const FILING_FREQUENCIES = ['Monthly', 'Quarterly', 'SemiAnnually', 'Annually', 'Bimonthly', 'Occasional'] as const;
export type FilingFrequency = (typeof FILING_FREQUENCIES)[number];

export interface FilingCalendarEntry {
  country: string;
  region: string;
  filingFrequency: FilingFrequency;
  /** ISO date the frequency applies from. */
  effectiveDate: string;
}

type CompanyKeyData = { accountId: string; companyCode: string };

export type CompanyCreated = {
  type: 'CompanyCreated';
  data: CompanyKeyData & {
    /** Numeric id (AvaTax companyId), unique across accounts. Absent on companies created before ids. */
    companyId?: number;
    companyName: string;
    defaultCurrency: string;
  };
};
export type LocationAdded = { type: 'LocationAdded'; data: CompanyKeyData & { location: CompanyLocation } };
export type NexusDeclared = { type: 'NexusDeclared'; data: CompanyKeyData & { nexus: CompanyNexus } };
export type NexusUpdated = { type: 'NexusUpdated'; data: CompanyKeyData & { nexus: CompanyNexus } };
export type NexusDeleted = { type: 'NexusDeleted'; data: CompanyKeyData & { nexusId: number } };
/** The mapping is stored exactly as the engine reads it (`ItemMapping`). */
export type ItemMapped = { type: 'ItemMapped'; data: CompanyKeyData & { item: ItemMapping } };
export type ItemRemoved = { type: 'ItemRemoved'; data: CompanyKeyData & { itemCode: string } };
export type FallbackItemSet = { type: 'FallbackItemSet'; data: CompanyKeyData & { itemCode: string | null } };
/** The certificate is stored exactly as the engine reads it (`ExemptionCertificate`, one declaration of the shape). */
export type CertificateAdded = { type: 'CertificateAdded'; data: CompanyKeyData & { certificate: ExemptionCertificate } };
export type CertificateRevoked = { type: 'CertificateRevoked'; data: CompanyKeyData & { certificateId: string } };
/** More customers the certificate exempts (AvaTax linkCertificatesToCustomer); only codes not linked before. */
export type CertificateCustomersLinked = { type: 'CertificateCustomersLinked'; data: CompanyKeyData & { certificateId: string; customerCodes: string[] } };
export type FilingFrequencySet = { type: 'FilingFrequencySet'; data: CompanyKeyData & { entry: FilingCalendarEntry } };

/** Company settings a tax team chooses (each field present only when it is being set). */
export interface CompanySettings {
  /**
   * Strict coverage: a calculation whose coverage messages include one of severity Error is refused
   * (ContentNotCovered) instead of recorded with the message. Default false (lenient).
   */
  strictCoverage?: boolean;
  /**
   * While the company has declared no nexus at all, collect tax wherever content has a rate (this
   * ledger's behaviour before issue 15). Default false: no nexus, no tax, as AvaTax.
   */
  collectWithoutNexus?: boolean;
}
export type CompanySettingsChanged = { type: 'CompanySettingsChanged'; data: CompanyKeyData & { settings: CompanySettings } };

export type CompanyEvent =
  | CompanyCreated
  | LocationAdded
  | NexusDeclared
  | NexusUpdated
  | NexusDeleted
  | ItemMapped
  | ItemRemoved
  | FallbackItemSet
  | CertificateAdded
  | CertificateRevoked
  | CertificateCustomersLinked
  | FilingFrequencySet
  | CompanySettingsChanged;

export const COMPANY_EVENT_TYPES: readonly CompanyEvent['type'][] = [
  'CompanyCreated',
  'LocationAdded',
  'NexusDeclared',
  'NexusUpdated',
  'NexusDeleted',
  'ItemMapped',
  'ItemRemoved',
  'FallbackItemSet',
  'CertificateAdded',
  'CertificateRevoked',
  'CertificateCustomersLinked',
  'FilingFrequencySet',
  'CompanySettingsChanged',
];

export const COMPANY_CATEGORY = 'Company';
export const companyStreamName = (accountId: string, companyCode: string) =>
  `${COMPANY_CATEGORY}-${encodeURIComponent(accountId)}/${encodeURIComponent(companyCode)}`;

/** Reservation stream that makes a numeric company id unique across accounts (appended with no_stream). */
export const companyIdStreamName = (companyId: number) => `CompanyId-${companyId}`;

/** The only event of a `CompanyId-<n>` stream: which company holds the number. */
export type CompanyIdReserved = { type: 'CompanyIdReserved'; data: { companyId: number; accountId: string; companyCode: string } };
