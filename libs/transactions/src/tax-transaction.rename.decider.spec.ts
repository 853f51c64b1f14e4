import type { CalculationResult } from '@tax-ledger/tax-engine';
import { type TaxTransactionCommand } from './tax-transaction.decider';
import { ledgerErrorOf, runCommands } from './test-fixtures';
import type { TransactionKey } from './transaction-key';

/** REST v2 changecode: an uncommitted document leaves its code (AvaTax: only while saved or posted). */
const key: TransactionKey = { accountId: 'acc-1', companyCode: 'C1', transactionType: 'Sale', documentCode: 'TMP-1' };

const calculation: CalculationResult = {
  contentVersion: 'content-v1',
  taxDate: '2024-01-10',
  document: {
    header: { companyCode: 'C1', transactionType: 'Sale', documentCode: 'TMP-1', transactionDate: '2024-01-10', currency: 'USD' },
    lines: [{ lineCode: '1', itemCode: 'X', itemDescription: 'X', extendedAmount: 10, calculatedTax: { appliedTax: 1, subtotalTaxable: 10, subtotalExempt: 0, taxAuthorities: [] } }],
    calculatedTaxSummary: { numberOfTaxableLines: 1, numberOfExemptLines: 0, numberOfLines: 1, subtotal: 10, subtotalTaxable: 10, subtotalExempt: 0, tax: 1, grandTotal: 11 },
  },
};

const record = (versionId: string, options: { committed?: boolean; intent?: 'createOrRevise' | 'revise' | 'create' } = {}): TaxTransactionCommand => ({
  type: 'RecordTransaction',
  data: {
    key,
    intent: options.intent ?? 'create',
    calculation,
    versionId,
    calculationDuration: 0,
    ...(options.committed === undefined ? {} : { committed: options.committed }),
    avatax: { documentType: 'SalesInvoice', request: { code: 'TMP-1' } },
  },
});
const rename = (newCode = 'INV-1'): TaxTransactionCommand => ({ type: 'RenameTransaction', data: { key, newCode } });
const voidIt: TaxTransactionCommand = { type: 'ChangeTransactionState', data: { key, transition: 'Voided', actorRole: 'account_admin' } };

const run = runCommands;
const errorOf = ledgerErrorOf;

describe('TaxTransaction decider: rename (REST v2 changecode)', () => {
  it('given an uncommitted Recorded document, when it is renamed, then TransactionRenamed names the new code and the code holds no document', () => {
    const { events, state } = run(record('v1', { committed: false }), record('v2', { committed: false }), rename('INV-1'));
    expect(events.at(-1)).toEqual({
      type: 'TransactionRenamed',
      data: { accountId: 'acc-1', companyCode: 'C1', transactionType: 'Sale', documentCode: 'TMP-1', version: 2, newCode: 'INV-1' },
    });
    expect(state).toEqual({ exists: false, renamedTo: 'INV-1', lastVersion: 2 });
  });

  it('given a committed document, when it is renamed, then TransactionIsCommitted and nothing is decided', () => {
    expect(errorOf(() => run(record('v1'), rename())).code).toBe('TransactionIsCommitted');
    expect(errorOf(() => run(record('v1', { committed: true }), rename())).code).toBe('TransactionIsCommitted');
  });

  it('given a voided or absent document, a rename is refused', () => {
    expect(errorOf(() => run(record('v1', { committed: false }), voidIt, rename())).code).toBe('TransactionNotEditable');
    expect(errorOf(() => run(rename())).code).toBe('TransactionNotFound');
    expect(errorOf(() => run(record('v1', { committed: false }), rename('TMP-1'))).code).toBe('InvalidRename');
  });

  it('given a renamed code, the old document is gone: revise, state changes and a second rename find nothing', () => {
    const renamed = [record('v1', { committed: false }), rename()] as const;
    expect(errorOf(() => run(...renamed, record('v2', { intent: 'revise' }))).code).toBe('TransactionNotFound');
    expect(errorOf(() => run(...renamed, voidIt)).code).toBe('TransactionNotFound');
    expect(errorOf(() => run(...renamed, rename('INV-2'))).code).toBe('TransactionNotFound');
  });

  it('given a renamed code, when a document is created with it again, then it is a new document whose versions go on from the last number', () => {
    const { events, state } = run(record('v1', { committed: false }), record('v2', { committed: false }), rename(), record('v3'));
    expect(events.at(-1)).toMatchObject({ type: 'TransactionRecorded', data: { version: 3, versionId: 'v3' } });
    expect(state).toEqual({ exists: true, state: 'Recorded', version: 3, versionId: 'v3' });
  });
});
