import fc from 'fast-check';
import type { RecordedEvent } from '@tax-ledger/platform';
import { STATE_TRANSITIONS, type StateTransition, TRANSITION_TABLE } from '@tax-ledger/ledger';
import { transactionStreamName } from './transaction-key';
import type { TransactionView } from './transaction-views';
import { projectTransaction, projectTransactionVersion } from './transactions.projection';
import { EventLog, key } from './test-fixtures';

const fold = (events: RecordedEvent[], from: TransactionView | null = null) => events.reduce(projectTransaction, from);

describe('projection transactions', () => {
  const k = key('INV-1');

  it('documentRevision points at the event holding the latest document, across state changes', () => {
    const log = new EventLog();
    const k = key('DOCREV');
    log.record(k);
    log.record(k, { amount: 5 });
    log.changeState(k, 'Voided');
    const view = log.events.reduce<TransactionView | null>(projectTransaction, null)!;
    expect(view).toMatchObject({ streamRevision: 2, documentRevision: 1, state: 'Voided', version: 2 });
    expect(view.document).toBe((log.events[1].data as { document: unknown }).document);
  });

  it('TransactionRecorded creates the view from the document', () => {
    const log = new EventLog();
    const e = log.record(k, { transactionDate: '2024-02-03', customerCode: 'CUST-9', amount: 200 });
    const view = projectTransaction(null, e);
    expect(view).toEqual({
      id: transactionStreamName(k),
      numericId: e.globalPosition,
      accountId: 'acc-1',
      companyCode: 'DEFAULT',
      transactionType: 'Sale',
      documentCode: 'INV-1',
      state: 'Recorded',
      version: 1,
      versionId: e.data.versionId,
      transactionDate: '2024-02-03',
      taxDate: '2024-02-03',
      customerCode: 'CUST-9',
      currency: 'USD',
      summary: e.data.document.calculatedTaxSummary,
      document: e.data.document,
      calculationDuration: 0.002,
      createdAt: e.metadata.occurredAt,
      modifiedAt: e.metadata.occurredAt,
      streamRevision: 0,
      documentRevision: 0,
    });
    expect(view).not.toHaveProperty('vendorCode');
  });

  it('TransactionRevised sets the latest version and keeps createdAt', () => {
    const log = new EventLog();
    const recorded = log.record(k, { amount: 100 });
    const revised = log.record(k, { amount: 300, vendorCode: 'V-1', transactionDate: '2024-03-01' });
    const view = fold([recorded, revised])!;
    expect(revised.type).toBe('TransactionRevised');
    expect(view.version).toBe(2);
    expect(view.versionId).toBe(revised.data.versionId);
    expect(view.document).toEqual(revised.data.document);
    expect(view.numericId).toBe(recorded.globalPosition); // the id stays with the document
    expect(view.summary.subtotal).toBe(300);
    expect(view.transactionDate).toBe('2024-03-01');
    expect(view.vendorCode).toBe('V-1');
    expect(view.createdAt).toBe(recorded.metadata.occurredAt);
    expect(view.modifiedAt).toBe(revised.metadata.occurredAt);
    expect(view.streamRevision).toBe(1);
  });

  describe('each state change sets state, modifiedAt and streamRevision, and keeps the version', () => {
    // Reach each transition's `from` state, then apply it.
    const pathTo: Record<string, StateTransition[]> = {
      Recorded: [],
      Voided: ['Voided'],
      Reconciled: ['Reconciled'],
      Filed: ['Reconciled', 'Filed'],
    };
    it.each(STATE_TRANSITIONS.map((t) => [t]))('%s', (transition) => {
      const log = new EventLog();
      log.record(k);
      log.record(k);
      for (const t of pathTo[TRANSITION_TABLE[transition].from]) log.changeState(k, t);
      const before = fold(log.events)!;
      const e = log.changeState(k, transition, 'why');
      const after = projectTransaction(before, e)!;
      expect(after).toEqual({
        ...before,
        state: TRANSITION_TABLE[transition].to,
        modifiedAt: e.metadata.occurredAt,
        streamRevision: e.revision,
      });
      expect(after.version).toBe(2);
      expect(before.state).toBe(TRANSITION_TABLE[transition].from); // input not mutated
    });
  });

  it('returns the same view for an event already applied (revision <= streamRevision)', () => {
    const log = new EventLog();
    const events = [log.record(k), log.changeState(k, 'Reconciled'), log.record(key('OTHER')), log.changeState(k, 'Filed')];
    const own = events.filter((e) => e.streamName === transactionStreamName(k));
    const view = fold(own)!;
    for (const e of own) expect(projectTransaction(view, e)).toBe(view);
  });

  it('a state change without a view is ignored; other event types leave the view unchanged', () => {
    const log = new EventLog();
    const recorded = log.record(k);
    const voided = log.changeState(k, 'Voided');
    expect(projectTransaction(null, voided)).toBeNull();
    const view = projectTransaction(null, recorded);
    const company = log.companyCreated('acc-1', 'DEFAULT');
    expect(projectTransaction(view, company)).toBe(view);
    expect(projectTransaction(null, company)).toBeNull();
  });

  it('applying every event twice gives the same view as applying it once', () => {
    const log = new EventLog();
    log.record(k);
    log.record(k);
    for (const t of ['Reconciled', 'Filed', 'UnFiled', 'UnReconciled', 'Voided', 'UnVoided'] as const) log.changeState(k, t);
    log.record(k);
    log.changeState(k, 'Reconciled');
    log.changeState(k, 'FiledByAvalara');
    const once = fold(log.events);
    const twice = fold(log.events.flatMap((e) => [e, e]));
    expect(twice).toEqual(once);
    expect(fold(log.events, once)).toBe(once); // a full replay over the result changes nothing
    expect(once).toMatchObject({ state: 'FiledByAvalara', version: 3, streamRevision: log.events.length - 1 });
  });

  it('property: any replay (duplicates, re-deliveries of older events) folds to the same view', () => {
    const step = fc.oneof(fc.constant<'revise'>('revise'), fc.constantFrom(...STATE_TRANSITIONS));
    fc.assert(
      fc.property(fc.array(step, { maxLength: 25 }), fc.array(fc.nat(), { maxLength: 40 }), (steps, replays) => {
        const log = new EventLog();
        log.record(k);
        let state: string = 'Recorded';
        for (const s of steps) {
          if (s === 'revise') {
            if (state !== 'Recorded') continue;
            log.record(k);
          } else {
            if (TRANSITION_TABLE[s].from !== state) continue;
            log.changeState(k, s);
            state = TRANSITION_TABLE[s].to;
          }
        }
        const events = log.events;
        const once = fold(events);
        // Deliver in order, but after event i re-deliver some earlier event chosen by `replays`.
        const noisy: RecordedEvent[] = [];
        events.forEach((e, i) => {
          noisy.push(e);
          const r = replays[i];
          if (r !== undefined) noisy.push(events[r % (i + 1)]);
        });
        expect(fold(noisy)).toEqual(once);
        expect(once!.state).toBe(state);
        expect(once!.streamRevision).toBe(events.length - 1);
      }),
      { numRuns: 200 },
    );
  });
});

describe('projection transaction_versions', () => {
  it('Recorded and Revised give one immutable version row each', () => {
    const log = new EventLog();
    const k = key('INV-2', { transactionType: 'Purchase' });
    const v1 = log.record(k, { amount: 10 });
    const v2 = log.record(k, { amount: 20 });
    expect(projectTransactionVersion(v1)).toEqual({
      id: `${transactionStreamName(k)}#1`,
      accountId: 'acc-1',
      companyCode: 'DEFAULT',
      transactionType: 'Purchase',
      documentCode: 'INV-2',
      version: 1,
      versionId: v1.data.versionId,
      document: v1.data.document,
      contentVersion: 'content-2024.1',
      taxDate: '2024-01-15',
      calculationDuration: 0.002,
      recordedAt: v1.metadata.occurredAt,
      streamRevision: 0,
    });
    expect(projectTransactionVersion(v2)).toMatchObject({ id: `${transactionStreamName(k)}#2`, version: 2, streamRevision: 1 });
    expect(projectTransactionVersion(v2)).toEqual(projectTransactionVersion(v2)); // deterministic
  });

  it('state changes and other events give null', () => {
    const log = new EventLog();
    const k = key('INV-3');
    log.record(k);
    expect(projectTransactionVersion(log.changeState(k, 'Voided'))).toBeNull();
    expect(projectTransactionVersion(log.licenseKeyIssued('acc-1', 'c1'))).toBeNull();
  });
});
