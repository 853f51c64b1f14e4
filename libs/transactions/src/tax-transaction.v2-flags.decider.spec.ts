import type { CalculationResult } from '@tax-ledger/tax-engine';
import { decide, initialTaxTransaction, type TaxTransactionCommand } from './tax-transaction.decider';
import { ledgerErrorOf, runCommands } from './test-fixtures';
import type { TransactionKey } from './transaction-key';

/** REST v2 additions to the TaxTransaction decider: uncommitted versions, commit/uncommit/verify flags, lock. */
const key: TransactionKey = { accountId: 'acc-1', companyCode: 'C1', transactionType: 'Sale', documentCode: 'INV-1' };

const calculation: CalculationResult = {
  contentVersion: 'content-v1',
  taxDate: '2024-01-10',
  document: {
    header: { companyCode: 'C1', transactionType: 'Sale', documentCode: 'INV-1', transactionDate: '2024-01-10', currency: 'USD' },
    lines: [{ lineCode: '1', itemCode: 'X', itemDescription: 'X', extendedAmount: 10, calculatedTax: { appliedTax: 1, subtotalTaxable: 10, subtotalExempt: 0, taxAuthorities: [] } }],
    calculatedTaxSummary: { numberOfTaxableLines: 1, numberOfExemptLines: 0, numberOfLines: 1, subtotal: 10, subtotalTaxable: 10, subtotalExempt: 0, tax: 1, grandTotal: 11 },
  },
};

const record = (versionId: string, committed?: boolean): TaxTransactionCommand => ({
  type: 'RecordTransaction',
  data: {
    key,
    intent: 'createOrRevise',
    calculation,
    versionId,
    calculationDuration: 0,
    ...(committed === undefined ? {} : { committed }),
    avatax: { documentType: 'SalesInvoice', request: { code: 'INV-1' } },
  },
});
const flag = (f: 'Commit' | 'Uncommit' | 'Verify'): TaxTransactionCommand => ({ type: 'FlagTransaction', data: { key, flag: f } });
const lock = (locked: boolean): TaxTransactionCommand => ({ type: 'LockTransaction', data: { key, locked, actorRole: 'system_filer' } });

const run = runCommands;
const errorOf = ledgerErrorOf;

describe('TaxTransaction decider: REST v2 flags', () => {
  it('given nothing, when an uncommitted version is recorded, then it carries committed: false and the state says uncommitted', () => {
    const { events, state } = run(record('v1', false));
    expect(events).toEqual([{ type: 'TransactionRecorded', data: expect.objectContaining({ version: 1, committed: false, avatax: { documentType: 'SalesInvoice', request: { code: 'INV-1' } } }) }]);
    expect(state).toEqual({ exists: true, state: 'Recorded', version: 1, versionId: 'v1', uncommitted: true });
  });

  it('a committed (or TNG) version carries no committed field at all', () => {
    const { events, state } = run(record('v1', true));
    expect(events[0].data).not.toHaveProperty('committed');
    expect(state).toEqual({ exists: true, state: 'Recorded', version: 1, versionId: 'v1' });
  });

  it('commit and uncommit toggle the flag without changing version or state', () => {
    const { events, state } = run(record('v1', false), flag('Commit'));
    expect(events[1]).toEqual({ type: 'TransactionCommitted', data: { ...key, version: 1 } });
    expect(state).toEqual({ exists: true, state: 'Recorded', version: 1, versionId: 'v1' });
    const again = run(record('v1', false), flag('Commit'), flag('Uncommit'));
    expect(again.events[2].type).toBe('TransactionUncommitted');
    expect(again.state).toMatchObject({ uncommitted: true, version: 1 });
  });

  it('committing a committed document or uncommitting an uncommitted one is refused', () => {
    expect(errorOf(() => run(record('v1'), flag('Commit'))).code).toBe('TransactionAlreadyCommitted');
    expect(errorOf(() => run(record('v1', false), flag('Uncommit'))).code).toBe('TransactionNotCommitted');
  });

  it('verify marks the current version; a new version is not verified', () => {
    const verified = run(record('v1', false), flag('Verify'));
    expect(verified.state).toMatchObject({ verified: true, uncommitted: true });
    const revised = run(record('v1', false), flag('Verify'), record('v2', false));
    expect(revised.state).toEqual({ exists: true, state: 'Recorded', version: 2, versionId: 'v2', uncommitted: true });
  });

  it('flags apply only to Recorded documents (a voided one is a conflict)', () => {
    const voided: TaxTransactionCommand = { type: 'ChangeTransactionState', data: { key, transition: 'Voided', actorRole: 'api_user' } };
    const error = errorOf(() => run(record('v1', false), voided, flag('Commit')));
    expect(error).toMatchObject({ code: 'TransactionNotEditable', category: 'conflict' });
    expect(errorOf(() => decide(flag('Commit'), initialTaxTransaction)).code).toBe('TransactionNotFound');
  });

  it('lock files a committed document (Reconciled then Filed); unlock walks back to Recorded', () => {
    const locked = run(record('v1'), lock(true));
    expect(locked.events.slice(1).map((e) => e.type)).toEqual(['TransactionReconciled', 'TransactionFiled']);
    expect(locked.state).toMatchObject({ state: 'Filed' });
    const unlocked = run(record('v1'), lock(true), lock(false));
    expect(unlocked.events.slice(3).map((e) => e.type)).toEqual(['TransactionUnfiled', 'TransactionUnreconciled']);
    expect(unlocked.state).toMatchObject({ state: 'Recorded' });
  });

  it('an uncommitted document cannot be locked, nor can a locked one be revised', () => {
    expect(errorOf(() => run(record('v1', false), lock(true))).code).toBe('CannotLockTransaction');
    expect(errorOf(() => run(record('v1'), lock(true), record('v2')))).toMatchObject({ code: 'TransactionNotEditable', details: { state: 'Filed' } });
  });
});

describe('TaxTransaction decider: create-only intent (REST v2 create, refund)', () => {
  it('creates version 1, and refuses a code that exists without writing', () => {
    const create: TaxTransactionCommand = { type: 'RecordTransaction', data: { key, intent: 'create', calculation, versionId: 'v1', calculationDuration: 0 } };
    expect(decide(create, initialTaxTransaction)[0]).toMatchObject({ type: 'TransactionRecorded', data: { version: 1 } });
    expect(errorOf(() => run(record('v1'), create))).toMatchObject({ code: 'DocumentCodeConflict', category: 'conflict' });
  });
});
