import { LedgerError } from '@tax-ledger/ledger';
import {
  type MultiDocumentComponent,
  type MultiDocumentEvent,
  type MultiDocumentKey,
  type MultiDocumentOperation,
  sameComponent,
} from './multi-document.events';

/** A MultiDocument folded from its stream. */
export interface MultiDocumentState {
  exists: boolean;
  documents: MultiDocumentComponent[];
}

export const initialMultiDocument: MultiDocumentState = { exists: false, documents: [] };

export type MultiDocumentCommand =
  | { type: 'CreateMultiDocument'; documents: MultiDocumentComponent[]; request?: unknown; refundOf?: { code: string; type: string; refundType: string } }
  | { type: 'AdjustMultiDocument'; documents: MultiDocumentComponent[]; request: unknown; adjustmentReason: string; adjustmentDescription?: string }
  | { type: 'RecordMultiDocumentChange'; operation: MultiDocumentOperation; documents: MultiDocumentComponent[]; reason?: string };

export const multiDocumentNotFound = (key: Pick<MultiDocumentKey, 'code' | 'type'>) =>
  new LedgerError('MultiDocumentNotFound', `No MultiDocument transaction with code "${key.code}" and type ${key.type} in this account.`, 'not_found', 'code');

export function evolveMultiDocument(state: MultiDocumentState, event: MultiDocumentEvent): MultiDocumentState {
  switch (event.type) {
    case 'MultiDocumentCreated':
    case 'MultiDocumentAdjusted':
    case 'MultiDocumentChanged':
      return { exists: true, documents: event.data.documents };
  }
}

export const foldMultiDocument = (events: readonly { type: string; data: unknown }[]): MultiDocumentState =>
  events.reduce((s, e) => evolveMultiDocument(s, e as MultiDocumentEvent), initialMultiDocument);

function assertComponents(documents: MultiDocumentComponent[]): void {
  if (documents.length === 0) throw new LedgerError('MultiDocumentWithoutDocuments', 'A MultiDocument holds at least one document.', 'invalid', 'lines');
  const seen = new Set<string>();
  for (const d of documents) {
    const id = JSON.stringify([d.companyCode, d.documentCode, d.transactionType]);
    if (seen.has(id)) throw new LedgerError('MultiDocumentDuplicateDocument', `Company "${d.companyCode}" holds one document of a MultiDocument, not two.`, 'invalid', 'lines');
    seen.add(id);
  }
}

/**
 * Decides a command on one MultiDocument: a code and type are taken once (MultiDocumentExists); adjust
 * and the operations on every component need it to exist (MultiDocumentNotFound); an operation names
 * exactly the current components (a component that joined or left meanwhile: MultiDocumentChangedMeanwhile,
 * the caller reads again). What may happen to each component is the component's own decider's rule: the
 * handler checks every one before it writes any (docs/decisions.md).
 */
export function decideMultiDocument(state: MultiDocumentState, cmd: MultiDocumentCommand, key: MultiDocumentKey): MultiDocumentEvent[] {
  const k: MultiDocumentKey = { accountId: key.accountId, code: key.code, type: key.type };
  switch (cmd.type) {
    case 'CreateMultiDocument':
      if (state.exists) throw new LedgerError('MultiDocumentExists', `A MultiDocument transaction with code "${key.code}" and type ${key.type} already exists; adjust it, or create with allowAdjust: true.`, 'conflict', 'code');
      assertComponents(cmd.documents);
      return [{ type: 'MultiDocumentCreated', data: { ...k, documents: cmd.documents, ...(cmd.request !== undefined ? { request: cmd.request } : {}), ...(cmd.refundOf ? { refundOf: cmd.refundOf } : {}) } }];
    case 'AdjustMultiDocument': {
      if (!state.exists) throw multiDocumentNotFound(key);
      assertComponents(cmd.documents);
      const removed = state.documents.filter((d) => !cmd.documents.some((n) => sameComponent(d, n)));
      return [
        {
          type: 'MultiDocumentAdjusted',
          data: { ...k, documents: cmd.documents, removed, request: cmd.request, adjustmentReason: cmd.adjustmentReason, ...(cmd.adjustmentDescription ? { adjustmentDescription: cmd.adjustmentDescription } : {}) },
        },
      ];
    }
    case 'RecordMultiDocumentChange': {
      if (!state.exists) throw multiDocumentNotFound(key);
      const same = cmd.documents.length === state.documents.length && cmd.documents.every((d) => state.documents.some((s) => sameComponent(s, d)));
      if (!same) throw new LedgerError('MultiDocumentChangedMeanwhile', 'The MultiDocument\'s documents changed while this request ran; read it again.', 'conflict', 'code');
      return [{ type: 'MultiDocumentChanged', data: { ...k, operation: cmd.operation, documents: cmd.documents, ...(cmd.reason ? { reason: cmd.reason } : {}) } }];
    }
  }
}
