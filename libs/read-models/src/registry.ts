import type { ProjectionDefinition } from '@tax-ledger/platform';
import { COMPANY_EVENT_TYPES } from '@tax-ledger/companies';
import { FILING_PERIOD_EVENT_TYPES } from '@tax-ledger/filing-periods';
import { TAX_CALCULATION_EVENT_TYPES } from '@tax-ledger/calculations';
import { TAX_TRANSACTION_EVENT_TYPES, TRANSACTION_VERSION_EVENT_TYPES } from '@tax-ledger/transactions';
import { CUSTOMER_EVENT_TYPES } from '@tax-ledger/customers';
import { MULTI_DOCUMENT_EVENT_TYPES } from '@tax-ledger/multi-documents';
import { BATCH_EVENT_TYPES } from '@tax-ledger/batches';

/** The read models every store maintains (their versions: see `ProjectionDefinition`). */
export const TRANSACTIONS_PROJECTION: ProjectionDefinition = {
  name: 'transactions',
  version: 6, // 2: documentRevision; 3: REST v2 committed / verified / avatax; 4: stored view's key order (shared version fields); 5: coverage (messages / errors of the latest version, the `warnings` filter); 6: numericId and the REST v2 query fields (transaction-query.ts)
  eventTypes: TAX_TRANSACTION_EVENT_TYPES,
};

export const TRANSACTION_VERSIONS_PROJECTION: ProjectionDefinition = {
  name: 'transaction_versions',
  version: 1,
  eventTypes: [...TRANSACTION_VERSION_EVENT_TYPES, 'TransactionRenamed'], // a rename removes the versions it renamed away
};

export const CREDENTIALS_PROJECTION: ProjectionDefinition = {
  name: 'credentials',
  version: 2, // 2: LicenseKeyRevoked sets revokedAt
  eventTypes: ['LicenseKeyIssued', 'LicenseKeyRevoked'],
};

export const COMPANIES_PROJECTION: ProjectionDefinition = {
  name: 'companies',
  version: 2, // 2: companyId
  eventTypes: ['CompanyCreated'],
};

export const IDEMPOTENCY_KEYS_PROJECTION: ProjectionDefinition = {
  name: 'idempotency_keys',
  version: 1,
  eventTypes: [...TAX_TRANSACTION_EVENT_TYPES, ...TAX_CALCULATION_EVENT_TYPES],
};

export const CALCULATIONS_PROJECTION: ProjectionDefinition = {
  name: 'calculations',
  version: 3, // 2: stored view's key order (shared version fields); 3: numericId
  eventTypes: TAX_CALCULATION_EVENT_TYPES,
};

export const COMPANY_SETUPS_PROJECTION: ProjectionDefinition = {
  name: 'company_setups',
  version: 1,
  eventTypes: COMPANY_EVENT_TYPES,
};

export const USERS_PROJECTION: ProjectionDefinition = {
  name: 'users',
  version: 1,
  eventTypes: ['UserCreated'],
};

/** `period_documents` (each document's contribution) and the pre-aggregated `period_liability` rows, kept together. */
export const PERIOD_LIABILITY_PROJECTION: ProjectionDefinition = {
  name: 'period_liability',
  version: 3, // 2: currency in the row key; purchases as grossPurchases / taxablePurchases / useTaxAccrued; 3: coverageCounts (documents with coverage messages / errors)
  eventTypes: TAX_TRANSACTION_EVENT_TYPES,
  tables: ['period_documents', 'period_liability'],
};

export const FILING_PERIODS_PROJECTION: ProjectionDefinition = {
  name: 'filing_periods',
  version: 1,
  eventTypes: FILING_PERIOD_EVENT_TYPES,
};

/** Customers of a company (AvaTax customers; libs/customers/src/customers.projection.ts). */
export const CUSTOMERS_PROJECTION: ProjectionDefinition = {
  name: 'customers',
  version: 1,
  eventTypes: CUSTOMER_EVENT_TYPES,
};

/** MultiDocument transactions and their component documents (REST v2; libs/multi-documents/src/multi-documents.projection.ts). */
export const MULTI_DOCUMENTS_PROJECTION: ProjectionDefinition = {
  name: 'multi_documents',
  version: 1,
  eventTypes: MULTI_DOCUMENT_EVENT_TYPES,
};

/** AvaTax v2 batches: status and counters (libs/batches/src/batches.projection.ts). */
export const BATCHES_PROJECTION: ProjectionDefinition = {
  name: 'batches',
  version: 1,
  eventTypes: BATCH_EVENT_TYPES,
};

/** Every projection the read stores maintain, in apply order. */
export const PROJECTIONS: readonly ProjectionDefinition[] = [
  TRANSACTIONS_PROJECTION,
  TRANSACTION_VERSIONS_PROJECTION,
  CREDENTIALS_PROJECTION,
  COMPANIES_PROJECTION,
  IDEMPOTENCY_KEYS_PROJECTION,
  COMPANY_SETUPS_PROJECTION,
  USERS_PROJECTION,
  CALCULATIONS_PROJECTION,
  PERIOD_LIABILITY_PROJECTION,
  FILING_PERIODS_PROJECTION,
  CUSTOMERS_PROJECTION,
  MULTI_DOCUMENTS_PROJECTION,
  BATCHES_PROJECTION,
];

export const PROJECTION_NAMES: readonly string[] = PROJECTIONS.map((p) => p.name);

export function projectionVersion(name: string): number | undefined {
  return PROJECTIONS.find((p) => p.name === name)?.version;
}
