import type { RecordedEvent } from '@tax-ledger/platform';
import type { BatchStatus } from './batch.decider';
import { BATCH_EVENT_TYPES, type BatchEvent, batchStreamName, type BatchType } from './batch.events';

/** Row of the `batches` read model: a batch's status and counters (never its file or results: those are on its stream). */
export interface BatchView {
  /** The batch's stream name. */
  id: string;
  accountId: string;
  batchId: number;
  companyCode: string;
  companyId: number;
  name: string;
  batchType: BatchType;
  options?: string;
  status: BatchStatus;
  /** Input rows, and how many of them are processed (AvaTax's recordCount / currentRecord). */
  recordCount: number;
  currentRecord: number;
  itemCount: number;
  processedItems: number;
  /** Input rows whose item failed. */
  errorCount: number;
  file: { name: string; contentType: string; fileExtension: string; contentLength: number };
  createdBy: string;
  createdAt: string;
  startedAt?: string;
  completedAt?: string;
  modifiedAt: string;
  streamRevision: number;
}

/** `batches` list: one account's batches, of one company when given, newest first; deleted ones left out. */
export interface BatchListFilter {
  companyCode?: string;
  skip?: number;
  limit: number;
}

const BATCH_EVENTS = new Set<string>(BATCH_EVENT_TYPES);

export function isBatchEvent(event: RecordedEvent): event is RecordedEvent<BatchEvent['type'], BatchEvent['data']> {
  return BATCH_EVENTS.has(event.type);
}

/**
 * Projection `batches`. Pure; returns the same `view` (===) for an event it does not read or has
 * already applied (revision <= view.streamRevision), so a replay changes nothing.
 */
export function projectBatch(view: BatchView | null, event: RecordedEvent): BatchView | null {
  if (!isBatchEvent(event) || (view && event.revision <= view.streamRevision)) return view;
  const e = { type: event.type, data: event.data } as BatchEvent;
  const at = event.metadata.occurredAt;
  const base = { streamRevision: event.revision, modifiedAt: at };
  if (e.type === 'BatchCreated') {
    const d = e.data;
    return {
      id: batchStreamName(d),
      accountId: d.accountId,
      batchId: d.batchId,
      companyCode: d.companyCode,
      companyId: d.companyId,
      name: d.name,
      batchType: d.batchType,
      ...(d.options !== undefined ? { options: d.options } : {}),
      status: 'Waiting',
      recordCount: d.recordCount,
      currentRecord: 0,
      itemCount: d.itemCount,
      processedItems: 0,
      errorCount: 0,
      file: { name: d.file.name, contentType: d.file.contentType, fileExtension: d.file.fileExtension, contentLength: new TextEncoder().encode(d.file.content).length },
      createdBy: d.createdBy.credentialId,
      createdAt: at,
      ...base,
    };
  }
  if (!view) return view;
  switch (e.type) {
    case 'BatchClaimed':
      return { ...view, ...base, status: view.status === 'Waiting' ? 'Processing' : view.status, startedAt: view.startedAt ?? at };
    case 'BatchProgressed': {
      const rows = (results: typeof e.data.results) => results.reduce((n, r) => n + r.rows.length, 0);
      return {
        ...view,
        ...base,
        processedItems: view.processedItems + e.data.results.length,
        currentRecord: view.currentRecord + rows(e.data.results),
        errorCount: view.errorCount + rows(e.data.results.filter((r) => r.status === 'Error')),
      };
    }
    case 'BatchCompleted':
      return { ...view, ...base, status: e.data.status, completedAt: at };
    case 'BatchCancelled':
      return { ...view, ...base, status: 'Cancelled', completedAt: at };
    case 'BatchDeleted':
      return { ...view, ...base, status: 'Deleted' };
  }
}
