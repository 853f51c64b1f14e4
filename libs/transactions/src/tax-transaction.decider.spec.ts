import type { CalculationResult } from '@tax-ledger/tax-engine';
import {
  decide,
  evolve,
  fold,
  initialTaxTransaction,
  type TaxTransaction,
  type TaxTransactionCommand,
} from './tax-transaction.decider';
import type { TaxTransactionEvent } from './tax-transaction.events';
import type { TransactionKey } from './transaction-key';
import {
  type ActorRole,
  LedgerError,
  STATE_TRANSITIONS,
  type StateTransition,
  TRANSACTION_STATES,
  type TransactionState,
  TRANSITION_TABLE,
} from '@tax-ledger/ledger';

const key: TransactionKey = { accountId: 'acc-1', companyCode: 'A1 Boats', transactionType: 'Sale', documentCode: '#12345' };

const calculation = (amount: number): CalculationResult => ({
  contentVersion: 'content-v1',
  taxDate: '2014-06-11',
  document: {
    header: { companyCode: key.companyCode, transactionType: 'Sale', documentCode: key.documentCode, transactionDate: '2014-06-11', currency: 'USD' },
    lines: [
      {
        lineCode: '1',
        itemCode: 'X',
        itemDescription: 'Boat',
        extendedAmount: amount,
        calculatedTax: { appliedTax: 0, subtotalTaxable: amount, subtotalExempt: 0, taxAuthorities: [] },
      },
    ],
    calculatedTaxSummary: {
      numberOfTaxableLines: 1,
      numberOfExemptLines: 0,
      numberOfLines: 1,
      subtotal: amount,
      subtotalTaxable: amount,
      subtotalExempt: 0,
      tax: 0,
      grandTotal: amount,
    },
  },
});

const record = (intent: 'createOrRevise' | 'revise', versionId: string, amount = 10): TaxTransactionCommand => ({
  type: 'RecordTransaction',
  data: { key, intent, calculation: calculation(amount), versionId, calculationDuration: 0.001 },
});

/** A transition sent by a role allowed to send it (permissions.spec.ts tests the roles). */
const transition = (t: StateTransition, actorRole: ActorRole = t === 'FiledByAvalara' ? 'system_filer' : 'account_admin', comment?: string): TaxTransactionCommand => ({
  type: 'ChangeTransactionState',
  data: { key, transition: t, comment, actorRole },
});

/** Events that bring a fresh document (version 1) into each state through legal transitions only. */
const pathTo: Record<TransactionState, StateTransition[]> = {
  Recorded: [],
  Voided: ['Voided'],
  Reconciled: ['Reconciled'],
  Filed: ['Reconciled', 'Filed'],
  FiledByAvalara: ['Reconciled', 'FiledByAvalara'],
};

/** given: the events of a document that has reached `state`. */
function givenDocumentIn(state: TransactionState): TaxTransactionEvent[] {
  const events: TaxTransactionEvent[] = [];
  let current: TaxTransaction = initialTaxTransaction;
  const run = (cmd: TaxTransactionCommand) => {
    for (const e of decide(cmd, current)) {
      events.push(e);
      current = evolve(current, e);
    }
  };
  run(record('createOrRevise', 'v1'));
  for (const t of pathTo[state]) run(transition(t));
  return events;
}

const then = (given: TaxTransactionEvent[], when: TaxTransactionCommand) => decide(when, fold(given));

function expectLedgerError(fn: () => unknown, code: string, category: LedgerError['category']) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LedgerError);
    expect((e as LedgerError).code).toBe(code);
    expect((e as LedgerError).category).toBe(category);
    return e as LedgerError;
  }
  throw new Error(`expected ${code}, but the command was accepted`);
}

describe('TaxTransaction decider', () => {
  describe('recording', () => {
    it('given no document, when recorded, then TransactionRecorded version 1', () => {
      const [e] = then([], record('createOrRevise', 'v1', 32.5));
      expect(e.type).toBe('TransactionRecorded');
      expect(e.data).toMatchObject({ ...key, version: 1, versionId: 'v1', contentVersion: 'content-v1' });
    });

    it('given a Recorded document, when recorded again, then TransactionRevised with the next version and the full new document', () => {
      const given = givenDocumentIn('Recorded');
      const [e] = then(given, record('createOrRevise', 'v2', 65));
      expect(e.type).toBe('TransactionRevised');
      expect(e.data).toMatchObject({ version: 2, versionId: 'v2' });
      expect((e as Extract<TaxTransactionEvent, { type: 'TransactionRevised' }>).data.document.calculatedTaxSummary.subtotal).toBe(65);
      const again = then([...given, e], record('revise', 'v3'));
      expect(again[0].data).toMatchObject({ version: 3, versionId: 'v3' });
    });

    it('given no document, when revised (PUT), then TransactionNotFound', () => {
      expectLedgerError(() => then([], record('revise', 'v1')), 'TransactionNotFound', 'not_found');
    });

    it.each(TRANSACTION_STATES.filter((s) => s !== 'Recorded'))(
      'given a %s document, POST is a conflict and PUT is not allowed; nothing is decided',
      (state) => {
        const given = givenDocumentIn(state);
        const post = expectLedgerError(() => then(given, record('createOrRevise', 'vx')), 'TransactionNotEditable', 'conflict');
        expect(post.details).toMatchObject({ state, version: 1 });
        expectLedgerError(() => then(given, record('revise', 'vx')), 'TransactionNotEditable', 'not_allowed');
      },
    );
  });

  describe('state transitions: every transition from every state (7 × 5)', () => {
    const cases = STATE_TRANSITIONS.flatMap((t) => TRANSACTION_STATES.map((s) => [t, s] as const));
    it.each(cases)('%s from %s', (t, state) => {
      const given = givenDocumentIn(state);
      const rule = TRANSITION_TABLE[t];
      const when = transition(t, undefined, 'SR123: corrected fat finger');
      if (rule.from === state) {
        const events = then(given, when);
        expect(events).toHaveLength(1);
        expect(events[0].data).toMatchObject({ ...key, version: 1, from: state, to: rule.to, comment: 'SR123: corrected fat finger' });
        expect(fold([...given, ...events])).toEqual({ exists: true, state: rule.to, version: 1, versionId: 'v1' });
      } else {
        const err = expectLedgerError(() => then(given, when), 'InvalidStateTransition', 'conflict');
        expect(err.details).toMatchObject({ state, transition: t, allowedFrom: rule.from });
      }
    });

    it('matches the seed table exactly', () => {
      expect(TRANSITION_TABLE).toEqual({
        Voided: { from: 'Recorded', to: 'Voided' },
        UnVoided: { from: 'Voided', to: 'Recorded' },
        Reconciled: { from: 'Recorded', to: 'Reconciled' },
        UnReconciled: { from: 'Reconciled', to: 'Recorded' },
        Filed: { from: 'Reconciled', to: 'Filed' },
        UnFiled: { from: 'Filed', to: 'Reconciled' },
        FiledByAvalara: { from: 'Reconciled', to: 'FiledByAvalara' },
      });
    });

    it.each(TRANSACTION_STATES)('FiledByAvalara from %s by an ordinary credential: forbidden, whatever the state', (state) => {
      const when = transition('FiledByAvalara', 'account_admin');
      expectLedgerError(() => then(givenDocumentIn(state), when), 'FiledByAvalaraNotPermitted', 'forbidden');
    });

    it.each(STATE_TRANSITIONS)('%s on a document that does not exist is TransactionNotFound', (t) => {
      expectLedgerError(() => then([], transition(t)), 'TransactionNotFound', 'not_found');
    });

    it('a voided then unvoided document can be revised again', () => {
      const given = givenDocumentIn('Voided');
      const unvoided = then(given, transition('UnVoided'));
      const [revised] = then([...given, ...unvoided], record('createOrRevise', 'v2'));
      expect(revised).toMatchObject({ type: 'TransactionRevised', data: { version: 2 } });
    });

    it('omits the comment when none was sent', () => {
      const [e] = then(givenDocumentIn('Recorded'), transition('Voided'));
      expect(e.data).not.toHaveProperty('comment');
    });
  });
});
