import type { RecordedEvent } from '@tax-ledger/platform';
import { decideMultiDocument, foldMultiDocument, type MultiDocumentCommand } from './multi-document.decider';
import { type MultiDocumentView, projectMultiDocument } from './multi-documents.projection';

const key = { accountId: 'acc-1', code: 'MD-1', type: 'SalesInvoice' };
const at = (n: number) => new Date(Date.UTC(2024, 0, 1) + n * 1000).toISOString();
const seller = (companyCode: string, version = 1) => ({ companyCode, documentCode: 'MD-1', transactionType: 'Sale', version });

/** Events as the log would hold them, decided by the real decider; the n-th written by actor n. */
function events(...commands: MultiDocumentCommand[]): RecordedEvent[] {
  const log: RecordedEvent[] = [];
  for (const command of commands) {
    for (const e of decideMultiDocument(foldMultiDocument(log), command, key)) {
      const n = log.length;
      log.push({ ...e, streamName: 'MultiDocument-acc-1/SalesInvoice/MD-1', revision: n, globalPosition: 40 + n, metadata: { occurredAt: at(n), actor: `user:${n}` } } as unknown as RecordedEvent);
    }
  }
  return log;
}

describe('multi_documents projection', () => {
  it('given created then voided, the row holds the current components, the first position as id, who and when created and modified', () => {
    const log = events({ type: 'CreateMultiDocument', documents: [seller('A'), seller('B')] }, { type: 'RecordMultiDocumentChange', operation: 'void', documents: [seller('A', 2), seller('B', 2)], reason: 'DocVoided' });
    const row = log.reduce<MultiDocumentView | null>(projectMultiDocument, null);
    expect(row).toEqual({
      streamId: 'MultiDocument-acc-1/SalesInvoice/MD-1',
      id: 40,
      ...key,
      documents: [seller('A', 2), seller('B', 2)],
      lastOperation: 'void',
      streamRevision: 1,
      createdAt: at(0),
      createdBy: 'user:0',
      modifiedAt: at(1),
      modifiedBy: 'user:1',
    });
  });

  it('an adjust replaces the components; a refund keeps what it refunds', () => {
    const log = events({ type: 'CreateMultiDocument', documents: [seller('A')], refundOf: { code: 'MD-0', type: 'SalesInvoice', refundType: 'Full' } }, { type: 'AdjustMultiDocument', documents: [seller('B')], request: {}, adjustmentReason: 'Other' });
    const row = log.reduce<MultiDocumentView | null>(projectMultiDocument, null)!;
    expect(row).toMatchObject({ documents: [seller('B')], lastOperation: 'adjusted', refundOf: { code: 'MD-0' }, id: 40 });
  });

  it('a replay of the same events yields the same row, and an event of another stream family changes nothing', () => {
    const log = events({ type: 'CreateMultiDocument', documents: [seller('A')] }, { type: 'RecordMultiDocumentChange', operation: 'commit', documents: [seller('A')] });
    const row = log.reduce<MultiDocumentView | null>(projectMultiDocument, null);
    expect(log.reduce(projectMultiDocument, row)).toBe(row);
    expect(projectMultiDocument(row, { type: 'CustomerCreated' } as unknown as RecordedEvent)).toBe(row);
  });
});
