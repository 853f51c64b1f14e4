import {
  type StateChangeData,
  type TaxTransactionEvent,
  TRANSACTION_FLAG_EVENT_TYPES,
  TRANSACTION_STATE_EVENT_TYPES,
  TRANSACTION_VERSION_EVENT_TYPES,
  type TransactionVersionData,
} from './tax-transaction.events';
import type { RecordedEvent } from '@tax-ledger/platform';
import type { CoverageCounts, TransactionVersionView, TransactionView } from './transaction-views';

const VERSION_EVENTS = new Set<string>(TRANSACTION_VERSION_EVENT_TYPES);
const STATE_EVENTS = new Set<string>(TRANSACTION_STATE_EVENT_TYPES);
const FLAG_EVENTS = new Set<string>(TRANSACTION_FLAG_EVENT_TYPES);

export function isTransactionVersionEvent(
  event: RecordedEvent,
): event is RecordedEvent<'TransactionRecorded' | 'TransactionRevised', TransactionVersionData> {
  return VERSION_EVENTS.has(event.type);
}

export function isTransactionStateEvent(event: RecordedEvent): event is RecordedEvent<Exclude<TaxTransactionEvent['type'], 'TransactionRecorded' | 'TransactionRevised'>, StateChangeData> {
  return STATE_EVENTS.has(event.type);
}

/** The document left this code (REST v2 changecode): every read model of it under this code removes it. */
export const isTransactionRenamed = (event: RecordedEvent): boolean => event.type === 'TransactionRenamed';

/** Whether the `transactions` projection reads this event. */
export function isTransactionEvent(event: RecordedEvent): boolean {
  return VERSION_EVENTS.has(event.type) || STATE_EVENTS.has(event.type) || FLAG_EVENTS.has(event.type) || isTransactionRenamed(event);
}

/**
 * Projection `transactions`: the latest version of a document, its state and key fields.
 * Pure. Returns the same `view` object (===) when the event changes nothing: an event that is not a
 * TaxTransaction event, an event already applied (revision <= view.streamRevision), or a state change
 * for a document the view does not know.
 */
export function projectTransaction(view: TransactionView | null, event: RecordedEvent): TransactionView | null {
  if (view && event.revision <= view.streamRevision) return view;
  const occurredAt = event.metadata.occurredAt;

  // Renamed: no document under this code any more (null removes the row; a later version starts afresh).
  if (isTransactionRenamed(event)) return null;

  if (isTransactionVersionEvent(event)) {
    const d = event.data;
    const next: TransactionView = { ...documentVersionFields(view, event), taxDate: d.taxDate, state: 'Recorded' };
    if (d.committed === false) next.committed = false;
    if (d.avatax) {
      const { request: _request, ...avatax } = d.avatax;
      next.avatax = avatax;
    }
    const coverage = coverageOf(d.document);
    if (coverage) next.coverage = coverage;
    return next;
  }

  if (isTransactionStateEvent(event)) {
    if (!view) return view;
    return { ...view, state: event.data.to, modifiedAt: occurredAt, streamRevision: event.revision };
  }

  if (FLAG_EVENTS.has(event.type)) {
    if (!view) return view;
    const { committed: _committed, ...next } = { ...view, modifiedAt: occurredAt, streamRevision: event.revision };
    if (event.type === 'TransactionCommitted') return next;
    if (event.type === 'TransactionUncommitted') return { ...next, committed: false };
    return { ...view, verified: true, modifiedAt: occurredAt, streamRevision: event.revision };
  }

  return view;
}

/** Projection `transaction_versions`: one immutable row per Recorded / Revised event, else null. */
export function projectTransactionVersion(event: RecordedEvent): TransactionVersionView | null {
  if (!isTransactionVersionEvent(event)) return null;
  const d = event.data;
  return {
    id: transactionVersionId(event.streamName, d.version),
    accountId: d.accountId,
    companyCode: d.companyCode,
    transactionType: d.transactionType,
    documentCode: d.documentCode,
    version: d.version,
    versionId: d.versionId,
    document: d.document,
    contentVersion: d.contentVersion,
    taxDate: d.taxDate,
    calculationDuration: d.calculationDuration,
    recordedAt: event.metadata.occurredAt,
    streamRevision: event.revision,
  };
}

/** How many coverage messages a calculated document carries, and how many are Errors; undefined when none. */
export function coverageOf(document: { messages?: { severity: string }[] }): CoverageCounts | undefined {
  const messages = document.messages ?? [];
  if (messages.length === 0) return undefined;
  return { messages: messages.length, errors: messages.filter((m) => m.severity === 'Error').length };
}

export const transactionVersionId = (streamName: string, version: number) => `${streamName}#${version}`;

/** What every recorded document version carries, transaction or calculation. */
interface DocumentVersionData {
  accountId: string;
  companyCode: string;
  transactionType: TransactionView['transactionType'];
  documentCode: string;
  version: number;
  versionId: string;
  document: TransactionView['document'];
  calculationDuration: number;
}

/**
 * The view fields a new document version sets, shared by the `transactions` and `calculations`
 * projections: keys, version, the calculated document (held by this event) and timestamps.
 */
export function documentVersionFields(
  view: { createdAt: string; numericId: number } | null,
  event: RecordedEvent<string, DocumentVersionData>,
): Omit<TransactionView, 'state' | 'committed' | 'verified' | 'avatax' | 'taxDate'> {
  const d = event.data;
  const header = d.document.header;
  const occurredAt = event.metadata.occurredAt;
  const fields: Omit<TransactionView, 'state' | 'committed' | 'verified' | 'avatax' | 'taxDate'> = {
    id: event.streamName,
    numericId: view?.numericId ?? event.globalPosition,
    accountId: d.accountId,
    companyCode: d.companyCode,
    transactionType: d.transactionType,
    documentCode: d.documentCode,
    version: d.version,
    versionId: d.versionId,
    transactionDate: header.transactionDate,
    currency: header.currency,
    summary: d.document.calculatedTaxSummary,
    document: d.document,
    documentRevision: event.revision,
    calculationDuration: d.calculationDuration,
    createdAt: view?.createdAt ?? occurredAt,
    modifiedAt: occurredAt,
    streamRevision: event.revision,
  };
  // Optional fields only when present: undefined must not reach JSON / BSON (it would become null).
  if (header.customerCode !== undefined && header.customerCode !== null) fields.customerCode = header.customerCode;
  if (header.vendorCode !== undefined && header.vendorCode !== null) fields.vendorCode = header.vendorCode;
  const documentType = header.metadata?.documentType;
  if (typeof documentType === 'string') fields.documentType = documentType;
  return fields;
}
