/** The parts of the API's answers the console shows (docs/api.md, docs/audit-and-replay.md, docs/filing-periods.md). */

export interface CoverageMessage {
  code: string;
  severity: string;
  summary: string;
  details?: string;
  refersTo?: string;
}

export interface TaxDetail {
  taxType: string;
  rate?: number;
  subtotalTaxable?: number;
  subtotalExempt?: number;
  tax: number;
  exempt?: boolean;
  exemptionReason?: string;
}

export interface TaxAuthority {
  jurisdictionName: string;
  jurisdictionType: string;
  jurisdictionCode: string;
  details: TaxDetail[];
}

export interface DocumentLine {
  lineCode: string;
  itemCode: string;
  itemDescription?: string;
  quantity?: number;
  extendedAmount: number;
  calculatedTax?: { appliedTax: number; subtotalTaxable?: number; subtotalExempt?: number; taxAuthorities?: TaxAuthority[] };
}

export interface TngDocument {
  header: {
    companyCode: string;
    transactionType: string;
    documentCode: string;
    customerCode?: string;
    vendorCode?: string;
    transactionDate: string;
    currency?: string;
  };
  lines: DocumentLine[];
  calculatedTaxSummary?: { subtotal: number; tax: number; grandTotal: number };
  processingInfo: { transactionState: string; versionId: string; version: number; modifiedDate: string };
  messages?: CoverageMessage[];
}

export interface Change<T> {
  before: T | null;
  after: T | null;
}

export interface VersionDiff {
  fromVersion: number | null;
  toVersion: number;
  lines: { lineCode: string; change: 'added' | 'removed' | 'changed'; itemCode?: Change<string>; quantity?: Change<number>; amount?: Change<number>; tax?: Change<number> }[];
  totalAmount: Change<number>;
  totalTax: Change<number>;
  grandTotal: Change<number>;
  totalAmountDelta: string;
  totalTaxDelta: string;
}

export interface HistoryEntry {
  revision: number;
  type: string;
  version: number | null;
  versionId: string | null;
  stateBefore: string | null;
  stateAfter: string | null;
  actor: string;
  credentialId: string;
  userAgent: string;
  requestId: string;
  clientRequestId: string | null;
  comment: string | null;
  occurredAt: string;
  hash: string | null;
  changes: VersionDiff | null;
  messages: CoverageMessage[] | null;
}

export interface History {
  events: HistoryEntry[];
  nextLink: string | null;
}

export type DocumentState = 'Recorded' | 'Voided' | 'Reconciled' | 'Filed' | 'FiledByAvalara';
export const DOCUMENT_STATES: DocumentState[] = ['Recorded', 'Voided', 'Reconciled', 'Filed', 'FiledByAvalara'];
export const TRANSACTION_TYPES = ['Sale', 'Purchase', 'Transfer'] as const;

export interface Money {
  grossSales: number;
  exemptCertificateOrEntityUse: number;
  exemptNonTaxable: number;
  exemptNoNexus: number;
  exemptOther: number;
  taxableSales: number;
  taxCalculated: number;
  taxCollected: number;
  grossPurchases: number;
  taxablePurchases: number;
  useTaxAccrued: number;
}

export interface LiabilityLine extends Money {
  documentCounts: Record<DocumentState, number>;
  documentsWithCoverageWarnings: number;
  documentsWithCoverageErrors: number;
}

export interface LiabilityReport {
  companyCode: string;
  period: string;
  region?: string;
  periodStatus: string;
  generatedAt: string;
  totals: (LiabilityLine & { currency: string }) | null;
  totalsByCurrency: (LiabilityLine & { currency: string })[];
  regions: {
    currency: string;
    country: string;
    region: string;
    totals: LiabilityLine;
    jurisdictions: { jurisdictionType: string; jurisdictionCode: string; jurisdictionName: string; taxTypes: (LiabilityLine & { taxType: string })[] }[];
  }[];
  voidedDocuments: { documentCode: string; currency: string; transactionType: string; transactionDate: string; version: number; totalAmount: number; totalTax: number }[];
  priorPeriodAdjustments: null | {
    firstFiledAt: string;
    documents: { documentCode: string; currency: string; transactionType: string; transactionDate: string; state: string; filedVersion: number | null; version: number; delta: Money }[];
    totalsByCurrency: (Money & { currency: string })[];
  };
}

export interface FilingPeriod {
  companyCode: string;
  period: string;
  region?: string;
  status: 'Open' | 'Reconciling' | 'Reconciled' | 'Filing' | 'Filed' | 'Reopening';
  runId?: string;
  filedOnce: boolean;
  reconciledAt?: string;
  filedAt?: string;
  firstFiledAt?: string;
  history: { event: string; runId?: string; at: string; actor?: string; documentsTransitioned?: number; comment?: string }[];
}

export interface PeriodRun extends FilingPeriod {
  run: { runId: string; resumed: boolean; documentsTransitioned: number; documentsSkipped: number };
}

export const RECONCILIATION_CATEGORIES = ['matched', 'amountMismatch', 'taxMismatch', 'dateMismatch', 'missingInLedger', 'missingInClientBooks'] as const;
export type ReconciliationCategory = (typeof RECONCILIATION_CATEGORIES)[number];

export interface ReconciliationItem {
  documentCode: string;
  transactionType: string;
  ledger?: { transactionDate: string; totalAmount: number; totalTax: number; state: string };
  client?: { source: string; transactionDate: string; totalAmount: number; totalTax: number };
  difference?: { totalAmount: number; totalTax: number };
}

export interface ReconciliationReport {
  companyCode: string;
  period: string;
  region?: string;
  generatedAt: string;
  ignoredOutsidePeriod: number;
  summary: Record<ReconciliationCategory, { count: number; ledgerTotalAmount: number; ledgerTotalTax: number; clientTotalAmount: number; clientTotalTax: number }>;
  items: Record<ReconciliationCategory, ReconciliationItem[]>;
}
