import type { RecordedEvent } from '@tax-ledger/platform';
import { MULTI_DOCUMENT_EVENT_TYPES, type MultiDocumentComponent, type MultiDocumentEvent, multiDocumentStreamName } from './multi-document.events';

/** Row of the `multi_documents` read model: one MultiDocument and its components as its stream says now. */
export interface MultiDocumentView {
  /** The MultiDocument's stream name. */
  streamId: string;
  /** Its numeric id (getMultiDocumentTransactionById): the log position of its first event. */
  id: number;
  accountId: string;
  code: string;
  type: string;
  documents: MultiDocumentComponent[];
  /** The last operation: created, adjusted, void, commit, uncommit, verify. */
  lastOperation: string;
  refundOf?: { code: string; type: string; refundType: string };
  streamRevision: number;
  createdAt: string;
  createdBy: string;
  modifiedAt: string;
  modifiedBy: string;
}

/** `multi_documents` list: one account's MultiDocuments ordered by id, `skip` of them left out, at most `limit`. */
export interface MultiDocumentListFilter {
  skip?: number;
  limit: number;
}

const EVENTS = new Set<string>(MULTI_DOCUMENT_EVENT_TYPES);

export function isMultiDocumentEvent(event: RecordedEvent): event is RecordedEvent<MultiDocumentEvent['type'], MultiDocumentEvent['data']> {
  return EVENTS.has(event.type);
}

/**
 * Projection `multi_documents`. Pure; returns the same `view` (===) for an event it does not read or has
 * already applied (revision <= view.streamRevision), so a replay changes nothing.
 */
export function projectMultiDocument(view: MultiDocumentView | null, event: RecordedEvent): MultiDocumentView | null {
  if (!isMultiDocumentEvent(event) || (view && event.revision <= view.streamRevision)) return view;
  const e = { type: event.type, data: event.data } as MultiDocumentEvent;
  const { accountId, code, type, documents } = e.data;
  const refundOf = e.type === 'MultiDocumentCreated' ? e.data.refundOf : view?.refundOf;
  return {
    streamId: multiDocumentStreamName({ accountId, code, type }),
    id: view?.id ?? event.globalPosition,
    accountId,
    code,
    type,
    documents,
    lastOperation: e.type === 'MultiDocumentChanged' ? e.data.operation : e.type === 'MultiDocumentCreated' ? 'created' : 'adjusted',
    ...(refundOf ? { refundOf } : {}),
    streamRevision: event.revision,
    createdAt: view?.createdAt ?? event.metadata.occurredAt,
    createdBy: view?.createdBy ?? event.metadata.actor,
    modifiedAt: event.metadata.occurredAt,
    modifiedBy: event.metadata.actor,
  };
}
