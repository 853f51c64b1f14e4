import { type RecordedEvent, upcasterChain } from '@tax-ledger/platform';
import { LEDGER_UPCASTERS, type TransactionVersionDataV1, upcastTransactionVersionV1 } from './tax-transaction.upcasters';
import { fold } from './tax-transaction.decider';
import type { TaxTransactionEvent } from './tax-transaction.events';

const document = {
  header: { companyCode: 'A1', transactionType: 'Sale', documentCode: 'D-1', transactionDate: '2024-03-05', currency: 'USD' },
  lines: [],
  calculatedTaxSummary: { numberOfTaxableLines: 0, numberOfExemptLines: 0, numberOfLines: 0, subtotal: 0, subtotalTaxable: 0, subtotalExempt: 0, tax: 0, grandTotal: 0 },
} as unknown as TransactionVersionDataV1['document'];

const v1: TransactionVersionDataV1 = {
  key: { accountId: 'acc', companyCode: 'A1', transactionType: 'Sale', documentCode: 'D-1' },
  version: 1,
  versionId: 'f'.repeat(32),
  document,
  contentVersion: 'content-2024-01',
  durationMs: 37,
};

const recorded = (data: unknown, schemaVersion: number, type = 'TransactionRecorded'): RecordedEvent => ({
  id: 'e1',
  streamName: 's',
  revision: 0,
  globalPosition: 1,
  type,
  data,
  metadata: { schemaVersion, actor: 'a', credentialId: 'c', requestId: 'r', correlationId: 'r', causationId: 'r', userAgent: 'u', occurredAt: '2024-03-05T10:00:00Z' },
});

describe('TaxTransaction upcasters (schemaVersion 1 -> 2)', () => {
  it('reads the v1 shape as v2: key fields flat, duration in seconds, taxDate from the document', () => {
    expect(upcastTransactionVersionV1(v1)).toEqual({
      accountId: 'acc',
      companyCode: 'A1',
      transactionType: 'Sale',
      documentCode: 'D-1',
      version: 1,
      versionId: 'f'.repeat(32),
      document,
      contentVersion: 'content-2024-01',
      taxDate: '2024-03-05',
      calculationDuration: 0.037,
    });
    const withTaxDate = { ...v1, document: { ...document, header: { ...document.header, taxCalculationDate: '2024-02-29' } } };
    expect(upcastTransactionVersionV1(withTaxDate).taxDate).toBe('2024-02-29');
  });

  it('the chain relabels events as v2, leaves v2 events and other types alone, and the decider folds the result', () => {
    const upcast = upcasterChain(LEDGER_UPCASTERS);
    const old = upcast(recorded(v1, 1));
    expect(old.metadata.schemaVersion).toBe(2);
    expect(old.data).toEqual(upcastTransactionVersionV1(v1));
    const current = recorded(upcastTransactionVersionV1(v1), 2, 'TransactionRevised');
    expect(upcast(current)).toBe(current);
    const other = recorded({ from: 'Recorded', to: 'Voided' }, 1, 'TransactionVoided');
    expect(upcast(other)).toBe(other);
    // A v1-labelled event already in the v2 shape keeps its data.
    const skeleton = upcast(recorded(upcastTransactionVersionV1(v1), 1));
    expect(skeleton.data).toEqual(upcastTransactionVersionV1(v1));
    expect(skeleton.metadata.schemaVersion).toBe(2);

    const state = fold([old as unknown as TaxTransactionEvent]);
    expect(state).toMatchObject({ exists: true, version: 1, state: 'Recorded', versionId: 'f'.repeat(32) });
  });

  it('refuses two upcasters for the same type and version', () => {
    expect(() => upcasterChain([...LEDGER_UPCASTERS, LEDGER_UPCASTERS[0]])).toThrow(/two upcasters read TransactionRecorded schemaVersion 1/);
  });
});
