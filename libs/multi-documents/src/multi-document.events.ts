/**
 * MultiDocument transactions (AvaTax REST v2 `/transactions/multidocument`): one sale across a marketplace
 * of sellers, split into one ordinary TaxTransaction per seller company (its *components*). This stream
 * family holds only the MultiDocument's identity and membership: which component documents (company,
 * code, type, version) it holds, and every operation applied to all of them. One stream per
 * MultiDocument: `MultiDocument-<account>/<type>/<code>` (parts URI-encoded).
 *
 * The components are written first, through the ordinary record path, and this stream after them (there
 * is no atomic write across streams): an event here never names a component version that is not in the
 * log (docs/decisions.md "MultiDocument transactions").
 */
export interface MultiDocumentKey {
  accountId: string;
  /** The MultiDocument's code; every component carries it as its own document code. */
  code: string;
  /** The v2 DocumentType (SalesInvoice, PurchaseInvoice, ReturnInvoice, …). */
  type: string;
}

/** One component: an ordinary TaxTransaction of a seller company, at the version the MultiDocument last wrote or read. */
export interface MultiDocumentComponent {
  companyCode: string;
  documentCode: string;
  /** The ledger's transaction type (Sale, Purchase, …) of the component's stream. */
  transactionType: string;
  version: number;
}

/** What was done to every component at once, besides create and adjust. */
export type MultiDocumentOperation = 'void' | 'commit' | 'uncommit' | 'verify';

interface MultiDocumentEventBase extends MultiDocumentKey {
  documents: MultiDocumentComponent[];
}

export type MultiDocumentCreated = {
  type: 'MultiDocumentCreated';
  data: MultiDocumentEventBase & {
    /** The CreateMultiDocumentModel as received (the audit's original request); absent for a refund. */
    request?: unknown;
    /** Set on a MultiDocument made by `refund`: the one it refunds. */
    refundOf?: { code: string; type: string; refundType: string };
  };
};
/** The components after an adjust: the adjusted sellers' new versions (a seller no longer in it was voided and left it). */
export type MultiDocumentAdjusted = {
  type: 'MultiDocumentAdjusted';
  data: MultiDocumentEventBase & { request: unknown; adjustmentReason: string; adjustmentDescription?: string; removed: MultiDocumentComponent[] };
};
/** void, commit, uncommit or verify applied to every component; `reason` says why when the caller said (void code). */
export type MultiDocumentChanged = { type: 'MultiDocumentChanged'; data: MultiDocumentEventBase & { operation: MultiDocumentOperation; reason?: string } };

export type MultiDocumentEvent = MultiDocumentCreated | MultiDocumentAdjusted | MultiDocumentChanged;
export const MULTI_DOCUMENT_EVENT_TYPES: readonly MultiDocumentEvent['type'][] = ['MultiDocumentCreated', 'MultiDocumentAdjusted', 'MultiDocumentChanged'];

export const MULTI_DOCUMENT_CATEGORY = 'MultiDocument';
export const multiDocumentStreamName = (key: MultiDocumentKey) =>
  `${MULTI_DOCUMENT_CATEGORY}-${encodeURIComponent(key.accountId)}/${encodeURIComponent(key.type)}/${encodeURIComponent(key.code)}`;

/** The same component (company, code, type), whatever its version. */
export const sameComponent = (a: MultiDocumentComponent, b: MultiDocumentComponent) =>
  a.companyCode === b.companyCode && a.documentCode === b.documentCode && a.transactionType === b.transactionType;
