/**
 * Read-store contract: one suite, run against every adapter.
 * - SQLite (embedded): always, on an in-memory better-sqlite3 Database.
 * - MongoDB: only when MONGODB_URI is set (one throw-away database per test, dropped after);
 *   otherwise the suite is declared with describe.skip so it is reported as skipped.
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { type Db, MongoClient, MongoServerError } from 'mongodb';
import { Projector, ProjectorLeaseLost, type RecordedEvent, SqliteEventStore } from '@tax-ledger/platform';
import {
  matchesCondition,
  queryFieldsOf,
  TRANSACTION_QUERY_FIELDS,
  type TransactionKey,
  type TransactionListFilter,
  type TransactionQuery,
} from '@tax-ledger/transactions';
import { MongoReadStore, PROJECTION_NAMES, PROJECTIONS, type ReadStore, SqliteOutdatedRebuild, SqliteReadStore } from '@tax-ledger/read-models';
import { coverageMessage, EventLog, key } from '../../libs/transactions/src/test-fixtures';

export interface ReadStoreHarness {
  readStore: ReadStore;
  /** Apply events the way the adapter's runtime does (inline projection / projector + checkpoint CAS). */
  applyEvents(events: RecordedEvent[]): Promise<void>;
  dispose(): Promise<void>;
}

export function readStoreContract(name: string, factory: () => Promise<ReadStoreHarness>, describeFn: jest.Describe = describe) {
  describeFn(`ReadStore contract: ${name}`, () => {
    let h: ReadStoreHarness;
    let store: ReadStore;
    beforeEach(async () => {
      h = await factory();
      store = h.readStore;
    });
    afterEach(async () => {
      await h?.dispose();
    });

    const list = (filter: Partial<TransactionListFilter> = {}, accountId = 'acc-1') =>
      store.listTransactions(accountId, { companyCode: 'DEFAULT', limit: 100, ...filter });
    const codes = (views: { documentCode: string; transactionType: string }[]) =>
      views.map((v) => `${v.documentCode}/${v.transactionType}`);

    it('returns a transaction after it is recorded, null for an unknown one', async () => {
      const log = new EventLog();
      const k = key('INV-1');
      const e = log.record(k, { customerCode: 'C-1', transactionDate: '2024-05-06' });
      await h.applyEvents(log.events);
      const view = await store.getTransaction(k);
      expect(view).toMatchObject({
        id: e.streamName,
        ...k,
        state: 'Recorded',
        version: 1,
        versionId: e.data.versionId,
        transactionDate: '2024-05-06',
        customerCode: 'C-1',
        currency: 'USD',
        summary: e.data.document.calculatedTaxSummary,
        createdAt: e.metadata.occurredAt,
        modifiedAt: e.metadata.occurredAt,
        streamRevision: 0,
      });
      expect(view!.document).toEqual(e.data.document);
      expect(view).not.toHaveProperty('vendorCode');
      expect(view).not.toHaveProperty('_id');
      expect(await store.getTransaction(key('NOPE'))).toBeNull();
      expect(await store.getTransaction(key('INV-1', { transactionType: 'Purchase' }))).toBeNull();
      expect(await store.getTransaction(key('INV-1', { companyCode: 'OTHER' }))).toBeNull();
    });

    it('coverage of the latest version: counted on the view, listed with warnings=true / false', async () => {
      const log = new EventLog();
      log.record(key('W-ERR'), { messages: [coverageMessage('Error'), coverageMessage('Warning')] });
      log.record(key('W-WARN'), { messages: [coverageMessage('Warning')] });
      log.record(key('W-NONE'));
      log.record(key('W-FIXED'), { messages: [coverageMessage('Error')] });
      log.record(key('W-FIXED')); // the revision is covered: no longer listed as warned
      log.record(key('W-NEW'));
      log.record(key('W-NEW'), { messages: [coverageMessage('Warning')] });
      log.changeState(key('W-NEW'), 'Voided'); // a state change keeps the version's coverage
      await h.applyEvents(log.events);
      expect((await store.getTransaction(key('W-ERR')))!.coverage).toEqual({ messages: 2, errors: 1 });
      expect((await store.getTransaction(key('W-WARN')))!.coverage).toEqual({ messages: 1, errors: 0 });
      expect(await store.getTransaction(key('W-NONE'))).not.toHaveProperty('coverage');
      expect(await store.getTransaction(key('W-FIXED'))).not.toHaveProperty('coverage');
      expect((await store.getTransaction(key('W-NEW')))!.coverage).toEqual({ messages: 1, errors: 0 });
      expect(codes(await list({ warnings: true }))).toEqual(['W-ERR/Sale', 'W-NEW/Sale', 'W-WARN/Sale']);
      expect(codes(await list({ warnings: false }))).toEqual(['W-FIXED/Sale', 'W-NONE/Sale']);
      expect(codes(await list({ warnings: true, states: ['Recorded'], startDate: '2024-01-01' }))).toEqual(['W-ERR/Sale', 'W-WARN/Sale']);
      for (const view of await list({ warnings: true })) expect(view).not.toHaveProperty('warnings'); // the stores' own flag stays inside
      expect(await list()).toHaveLength(5);
    });

    it('a revision shows the latest version; versions are listed and fetched', async () => {
      const log = new EventLog();
      const k = key('INV-2');
      const v1 = log.record(k, { amount: 100 });
      const v2 = log.record(k, { amount: 250 });
      await h.applyEvents(log.events);
      const view = await store.getTransaction(k);
      expect(view).toMatchObject({ version: 2, versionId: v2.data.versionId, streamRevision: 1, createdAt: v1.metadata.occurredAt });
      expect(view!.summary.subtotal).toBe(250);
      const versions = await store.listTransactionVersions(k);
      expect(versions.map((v) => v.version)).toEqual([1, 2]);
      expect(versions[0]).toEqual({
        id: `${v1.streamName}#1`,
        ...k,
        version: 1,
        versionId: v1.data.versionId,
        document: v1.data.document,
        contentVersion: v1.data.contentVersion,
        taxDate: v1.data.taxDate,
        calculationDuration: v1.data.calculationDuration,
        recordedAt: v1.metadata.occurredAt,
        streamRevision: 0,
      });
      expect(await store.getTransactionVersion(k, 2)).toEqual(versions[1]);
      expect(await store.getTransactionVersion(k, 3)).toBeNull();
      expect(await store.listTransactionVersions(key('NOPE'))).toEqual([]);
    });

    it('a renamed document (REST v2 changecode) leaves its code: no row, no versions, not listed; a replay ends the same; the code can hold a new document', async () => {
      const log = new EventLog();
      const tmp = key('TMP-1');
      const inv = key('INV-1');
      log.record(tmp, { committed: false, amount: 10 });
      log.record(tmp, { committed: false, amount: 20 });
      log.record(inv, { committed: false, amount: 20 });
      log.rename(tmp, 'INV-1');
      await h.applyEvents(log.events);
      expect(await store.getTransaction(tmp)).toBeNull();
      expect(await store.listTransactionVersions(tmp)).toEqual([]);
      expect(await store.getTransactionVersion(tmp, 1)).toBeNull();
      expect(codes(await list())).toEqual(['INV-1/Sale']);
      // Every event again, and the earlier ones alone: the rename still wins.
      await h.applyEvents(log.events);
      await h.applyEvents(log.events.slice(0, 2));
      await h.applyEvents(log.events.slice(3));
      expect(await store.getTransaction(tmp)).toBeNull();
      expect(codes(await list())).toEqual(['INV-1/Sale']);
      // The freed code holds a new document, whose versions go on from the renamed one's.
      log.record(tmp, { amount: 5 });
      await h.applyEvents(log.events.slice(-1));
      expect(await store.getTransaction(tmp)).toMatchObject({ documentCode: 'TMP-1', version: 3, state: 'Recorded' });
      expect((await store.listTransactionVersions(tmp)).map((v) => v.version)).toEqual([3]);
      expect(codes(await list())).toEqual(['INV-1/Sale', 'TMP-1/Sale']);
    });

    it('state changes update the state and keep the version', async () => {
      const log = new EventLog();
      const k = key('INV-3');
      log.record(k);
      log.changeState(k, 'Reconciled');
      await h.applyEvents(log.events);
      expect(await store.getTransaction(k)).toMatchObject({ state: 'Reconciled', version: 1, streamRevision: 1 });
      const filed = log.changeState(k, 'Filed');
      await h.applyEvents([filed]);
      expect(await store.getTransaction(k)).toMatchObject({
        state: 'Filed',
        version: 1,
        streamRevision: 2,
        modifiedAt: filed.metadata.occurredAt,
      });
      expect((await store.listTransactionVersions(k)).map((v) => v.version)).toEqual([1]);
    });

    describe('listTransactions', () => {
      /** Seven documents of acc-1/DEFAULT, one of acc-1/OTHER, one of acc-2/DEFAULT. */
      async function seed() {
        const log = new EventLog();
        log.record(key('B-200'), { transactionDate: '2024-01-31' });
        log.record(key('A-100'), { transactionDate: '2024-01-01' });
        log.record(key('A-100', { transactionType: 'Purchase' }), { transactionDate: '2024-02-01' });
        log.record(key('C-300'), { transactionDate: '2024-02-15' });
        log.record(key('A-20'), { transactionDate: '2023-12-31' });
        log.record(key('D-400'), { transactionDate: '2024-03-01' });
        log.record(key('B-200', { transactionType: 'Transfer' }), { transactionDate: '2024-02-29' });
        log.changeState(key('C-300'), 'Voided');
        log.changeState(key('D-400'), 'Reconciled');
        log.changeState(key('D-400'), 'Filed');
        log.record(key('A-000', { companyCode: 'OTHER' }));
        log.record(key('A-001', { accountId: 'acc-2' }));
        await h.applyEvents(log.events);
      }

      it('filters on companyCode and orders by documentCode, then transactionType', async () => {
        await seed();
        expect(codes(await list())).toEqual([
          'A-100/Purchase',
          'A-100/Sale',
          'A-20/Sale',
          'B-200/Sale',
          'B-200/Transfer',
          'C-300/Sale',
          'D-400/Sale',
        ]);
        expect(codes(await list({ companyCode: 'OTHER' }))).toEqual(['A-000/Sale']);
        expect(await list({ companyCode: 'NONE' })).toEqual([]);
      });

      it('filters on transactionType', async () => {
        await seed();
        expect(codes(await list({ transactionType: 'Purchase' }))).toEqual(['A-100/Purchase']);
        expect(codes(await list({ transactionType: 'Transfer' }))).toEqual(['B-200/Transfer']);
      });

      it('startCode is an inclusive lower bound on documentCode', async () => {
        await seed();
        expect(codes(await list({ startCode: 'B-200' }))).toEqual(['B-200/Sale', 'B-200/Transfer', 'C-300/Sale', 'D-400/Sale']);
        expect(codes(await list({ startCode: 'B' }))).toEqual(['B-200/Sale', 'B-200/Transfer', 'C-300/Sale', 'D-400/Sale']);
        expect(await list({ startCode: 'E' })).toEqual([]);
      });

      it('startDate and endDate are inclusive', async () => {
        await seed();
        expect(codes(await list({ startDate: '2024-01-31', endDate: '2024-02-29' }))).toEqual([
          'A-100/Purchase',
          'B-200/Sale',
          'B-200/Transfer',
          'C-300/Sale',
        ]);
        expect(codes(await list({ startDate: '2024-02-29' }))).toEqual(['B-200/Transfer', 'D-400/Sale']);
        expect(codes(await list({ endDate: '2024-01-01' }))).toEqual(['A-100/Sale', 'A-20/Sale']);
        expect(await list({ startDate: '2024-03-02' })).toEqual([]);
      });

      it('filters on states', async () => {
        await seed();
        expect(codes(await list({ states: ['Voided', 'Filed'] }))).toEqual(['C-300/Sale', 'D-400/Sale']);
        expect(codes(await list({ states: ['Filed'] }))).toEqual(['D-400/Sale']);
        expect(await list({ states: ['Reconciled'] })).toEqual([]);
        expect((await list({ states: ['Recorded'] })).length).toBe(5);
      });

      it('limit caps the rows; filters combine', async () => {
        await seed();
        expect(codes(await list({ limit: 3 }))).toEqual(['A-100/Purchase', 'A-100/Sale', 'A-20/Sale']);
        expect(codes(await list({ limit: 2, startCode: 'B-200' }))).toEqual(['B-200/Sale', 'B-200/Transfer']);
        expect(await list({ limit: 0 })).toEqual([]);
        expect(
          codes(await list({ transactionType: 'Sale', startCode: 'A-20', startDate: '2024-01-01', states: ['Recorded', 'Voided'], limit: 2 })),
        ).toEqual(['B-200/Sale', 'C-300/Sale']);
      });

      it('returns full views', async () => {
        await seed();
        const [first] = await list({ limit: 1 });
        expect(first).toEqual(await store.getTransaction(key('A-100', { transactionType: 'Purchase' })));
      });
    });

    describe('queryTransactions (REST v2 lists) and getTransactionByNumericId', () => {
      /** Six documents of acc-1/DEFAULT with distinct v2 fields, one of acc-1/OTHER, one of acc-2. */
      async function seed() {
        const log = new EventLog();
        log.record(key('INV-1'), { customerCode: 'C-1', transactionDate: '2024-01-10', amount: 100 });
        const saved = log.record(key('INV-2'), { customerCode: 'C-2', transactionDate: '2024-01-20', amount: 50 });
        saved.data.committed = false;
        const ret = log.record(key('RET-1'), { customerCode: 'C-1', transactionDate: '2024-02-05', amount: -30 });
        ret.data.avatax = { documentType: 'ReturnInvoice', request: {} };
        log.record(key('PO-1', { transactionType: 'Purchase' }), { customerCode: 'V-9', transactionDate: '2024-02-10', amount: 400 });
        log.record(key('INV-3'), { customerCode: 'C-3', transactionDate: '2024-03-01', amount: 75 });
        log.record(key('INV-4'), { customerCode: 'C-1', transactionDate: '2024-03-15', amount: 10 });
        log.changeState(key('INV-3'), 'Voided');
        log.changeState(key('INV-4'), 'Reconciled');
        log.changeState(key('INV-4'), 'Filed');
        log.record(key('INV-1'), { customerCode: 'C-1', transactionDate: '2024-01-10', amount: 120 }); // version 2
        log.record(key('X-1', { companyCode: 'OTHER' }));
        log.record(key('X-2', { accountId: 'acc-2' }));
        await h.applyEvents(log.events);
        return log;
      }
      const query = (q: Partial<TransactionQuery> = {}, accountId = 'acc-1') =>
        store.queryTransactions(accountId, { companyCode: 'DEFAULT', where: [], orderBy: [], skip: 0, top: 100, ...q });
      const docCodes = (r: { rows: { documentCode: string }[] }) => r.rows.map((v) => v.documentCode);

      it('without conditions: every document of the company, by code, with the count', async () => {
        await seed();
        const all = await query();
        expect(all.total).toBe(6);
        expect(docCodes(all)).toEqual(['INV-1', 'INV-2', 'INV-3', 'INV-4', 'PO-1', 'RET-1']);
        expect(all.rows[0]).toEqual(await store.getTransaction(key('INV-1')));
        expect((await query({ companyCode: 'NONE' })).total).toBe(0);
      });

      it('v2 status, type, locked and reconciled are derived from the ledger state and flags', async () => {
        await seed();
        const cond = (field: TransactionQuery['where'][number]['field'], value: string | number | boolean, op: TransactionQuery['where'][number]['op'] = 'eq') => query({ where: [{ field, op, value }] });
        expect(docCodes(await cond('status', 'Saved'))).toEqual(['INV-2']);
        expect(docCodes(await cond('status', 'Cancelled'))).toEqual(['INV-3']);
        expect(docCodes(await cond('status', 'Committed'))).toEqual(['INV-1', 'INV-4', 'PO-1', 'RET-1']);
        expect(docCodes(await cond('type', 'ReturnInvoice'))).toEqual(['RET-1']);
        expect(docCodes(await cond('type', 'PurchaseInvoice'))).toEqual(['PO-1']);
        expect(docCodes(await cond('locked', true))).toEqual(['INV-4']);
        expect(docCodes(await cond('reconciled', false))).toEqual(['INV-1', 'INV-2', 'INV-3', 'PO-1', 'RET-1']);
        expect(docCodes(await cond('customerCode', 'C-1'))).toEqual(['INV-1', 'INV-4', 'RET-1']);
        expect(docCodes(await cond('version', 2))).toEqual(['INV-1']);
        expect(docCodes(await cond('totalAmount', 0, 'lt'))).toEqual(['RET-1']);
        expect(docCodes(await cond('code', 'INV-2', 'gt'))).toEqual(['INV-3', 'INV-4', 'PO-1', 'RET-1']);
      });

      it('date ranges combine with other conditions (and); order, skip and top page the matches', async () => {
        await seed();
        const february = [
          { field: 'date', op: 'ge', value: '2024-02-01' },
          { field: 'date', op: 'le', value: '2024-02-29' },
        ] as TransactionQuery['where'];
        expect(docCodes(await query({ where: february }))).toEqual(['PO-1', 'RET-1']);
        expect(docCodes(await query({ where: [...february, { field: 'type', op: 'ne', value: 'ReturnInvoice' }] }))).toEqual(['PO-1']);
        const byDateDesc = await query({ orderBy: [{ field: 'date', descending: true }], skip: 1, top: 2 });
        expect(byDateDesc.total).toBe(6);
        expect(docCodes(byDateDesc)).toEqual(['INV-3', 'PO-1']);
        const byAmount = await query({ orderBy: [{ field: 'totalAmount', descending: false }] });
        expect(docCodes(byAmount)).toEqual(['RET-1', 'INV-4', 'INV-2', 'INV-3', 'INV-1', 'PO-1']);
        const countOnly = await query({ top: 0 });
        expect(countOnly).toEqual({ total: 6, rows: [] });
      });

      it('agrees with the reference semantics (queryFieldsOf + matchesCondition) on every single condition', async () => {
        await seed();
        const all = (await query()).rows;
        const probes: TransactionQuery['where'][number][] = [];
        for (const view of all) {
          const fields = queryFieldsOf(view);
          for (const field of Object.keys(TRANSACTION_QUERY_FIELDS) as (keyof typeof TRANSACTION_QUERY_FIELDS)[]) {
            for (const op of ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const) probes.push({ field, op, value: fields[field] });
          }
        }
        for (const probe of probes) {
          const expected = all.filter((v) => matchesCondition(queryFieldsOf(v), probe)).map((v) => v.documentCode);
          expect({ probe, codes: docCodes(await query({ where: [probe] })) }).toEqual({ probe, codes: expected });
        }
      });

      it('a document by its numeric id (the log position of its first event), in its own account only', async () => {
        const log = await seed();
        const first = log.events.find((e) => e.streamName.endsWith('/RET-1'))!;
        const view = await store.getTransactionByNumericId('acc-1', first.globalPosition);
        expect(view).toMatchObject({ documentCode: 'RET-1', numericId: first.globalPosition });
        expect(view).toEqual(await store.getTransaction(key('RET-1')));
        // A new version keeps the id.
        const inv1 = log.events.find((e) => e.streamName.endsWith('/INV-1'))!;
        expect(await store.getTransactionByNumericId('acc-1', inv1.globalPosition)).toMatchObject({ documentCode: 'INV-1', version: 2 });
        expect(await store.getTransactionByNumericId('acc-2', first.globalPosition)).toBeNull();
        expect(await store.getTransactionByNumericId('acc-1', 999_999)).toBeNull();
      });
    });

    it('never returns another account’s documents, versions, companies or credentials', async () => {
      const log = new EventLog();
      const mine = key('SHARED-1');
      const theirs = key('SHARED-1', { accountId: 'acc-2' });
      log.record(mine, { amount: 10 });
      log.record(theirs, { amount: 99 });
      log.record(theirs, { amount: 98 });
      log.record(key('ONLY-2', { accountId: 'acc-2' }));
      log.changeState(theirs, 'Voided');
      log.companyCreated('acc-2', 'DEFAULT');
      log.licenseKeyIssued('acc-2', 'cred-2');
      log.companyCreated('acc-1', 'DEFAULT');
      log.licenseKeyIssued('acc-1', 'cred-1');
      await h.applyEvents(log.events);

      expect(await store.getTransaction(mine)).toMatchObject({ accountId: 'acc-1', version: 1, state: 'Recorded', summary: { subtotal: 10 } });
      expect(await store.getTransaction(key('ONLY-2'))).toBeNull();
      expect(codes(await list())).toEqual(['SHARED-1/Sale']);
      expect((await list()).every((v) => v.accountId === 'acc-1')).toBe(true);
      expect((await store.listTransactionVersions(mine)).map((v) => [v.accountId, v.version])).toEqual([['acc-1', 1]]);
      expect(await store.getTransactionVersion(mine, 2)).toBeNull();
      expect((await store.listCredentials('acc-1')).map((c) => c.credentialId)).toEqual(['cred-1']);
      expect((await store.getCompany('acc-1', 'DEFAULT'))?.accountId).toBe('acc-1');
      expect(await store.getCompany('acc-3', 'DEFAULT')).toBeNull();
      expect(await store.listCredentials('acc-3')).toEqual([]);
      expect(await store.getTransaction(theirs)).toMatchObject({ accountId: 'acc-2', version: 2, state: 'Voided' });
    });

    it('projects companies and credentials', async () => {
      const log = new EventLog();
      log.accountProvisioned('acc-1');
      const company = log.companyCreated('acc-1', 'DEFAULT', 'Default Co');
      const c2 = log.licenseKeyIssued('acc-1', 'cred-b', 'api_user', 'billing');
      const c1 = log.licenseKeyIssued('acc-1', 'cred-a');
      await h.applyEvents(log.events);
      expect(await store.getCompany('acc-1', 'DEFAULT')).toEqual({
        accountId: 'acc-1',
        companyCode: 'DEFAULT',
        companyName: 'Default Co',
        defaultCurrency: 'USD',
        createdAt: company.metadata.occurredAt,
      });
      expect(await store.getCompany('acc-1', 'OTHER')).toBeNull();
      // In the order they were issued (cred-b first), not by id.
      expect(await store.listCredentials('acc-1')).toEqual([
        {
          credentialId: 'cred-b',
          accountId: 'acc-1',
          role: 'api_user',
          keyHash: (c2.data as { keyHash: string }).keyHash,
          label: 'billing',
          createdAt: c2.metadata.occurredAt,
        },
        { credentialId: 'cred-a', accountId: 'acc-1', role: 'account_admin', keyHash: (c1.data as { keyHash: string }).keyHash, createdAt: c1.metadata.occurredAt },
      ]);
    });

    it('records which command an Idempotency-Key produced, per account, unchanged by a replay', async () => {
      const log = new EventLog();
      const a = key('IDEM');
      const first = log.record(a);
      Object.assign(first.metadata, { idempotencyKey: 'k-1', requestHash: 'h-1' });
      log.record(a);
      await h.applyEvents(log.events);
      await h.applyEvents(log.events);
      expect(await store.getIdempotencyRecord('acc-1', 'k-1')).toEqual({
        accountId: 'acc-1',
        key: 'k-1',
        requestHash: 'h-1',
        streamName: first.streamName,
        revision: first.revision,
        recordedAt: first.metadata.occurredAt,
      });
      expect(await store.getIdempotencyRecord('acc-2', 'k-1')).toBeNull();
      expect(await store.getIdempotencyRecord('acc-1', 'k-2')).toBeNull();
    });

    describe('idempotency', () => {
      function history() {
        const log = new EventLog();
        const a = key('A');
        const b = key('B', { transactionType: 'Purchase' });
        const c = key('C', { accountId: 'acc-2' });
        log.companyCreated('acc-1', 'DEFAULT');
        log.licenseKeyIssued('acc-1', 'cred-1');
        log.record(a, { amount: 1 });
        log.record(b);
        log.record(a, { amount: 2 });
        log.changeState(a, 'Reconciled');
        log.record(c);
        log.changeState(b, 'Voided');
        log.changeState(a, 'Filed');
        log.changeState(b, 'UnVoided');
        log.record(b, { amount: 7 });
        log.changeState(a, 'UnFiled');
        return { log, keys: [a, b, c] };
      }

      async function snapshot(keys: TransactionKey[]) {
        const out: Record<string, unknown> = {};
        for (const k of keys) {
          out[`get:${k.accountId}/${k.documentCode}`] = await store.getTransaction(k);
          out[`versions:${k.accountId}/${k.documentCode}`] = await store.listTransactionVersions(k);
        }
        for (const accountId of ['acc-1', 'acc-2']) {
          out[`list:${accountId}`] = await list({}, accountId);
          out[`credentials:${accountId}`] = await store.listCredentials(accountId);
          out[`company:${accountId}`] = await store.getCompany(accountId, 'DEFAULT');
        }
        out.checkpoints = await store.checkpoints();
        return out;
      }

      it('applying every event again yields identical read models', async () => {
        const { log, keys } = history();
        await h.applyEvents(log.events);
        const once = await snapshot(keys);
        await h.applyEvents(log.events);
        expect(await snapshot(keys)).toEqual(once);
        // An older event re-delivered on its own changes nothing either.
        await h.applyEvents([log.events[2], log.events[4]]);
        expect(await snapshot(keys)).toEqual(once);
        expect(once[`get:acc-1/A`]).toMatchObject({ state: 'Reconciled', version: 2 });
        expect(once[`get:acc-1/B`]).toMatchObject({ state: 'Recorded', version: 2 });
      });

      it('applying each event twice in a row yields the same read models as once', async () => {
        const { log, keys } = history();
        await h.applyEvents(log.events);
        const once = await snapshot(keys);
        const other = await factory();
        try {
          const first = h;
          h = other;
          store = other.readStore;
          for (const e of log.events) {
            await h.applyEvents([e]);
            await h.applyEvents([e]);
          }
          const twice = await snapshot(keys);
          h = first;
          store = first.readStore;
          expect(twice).toEqual(once);
        } finally {
          await other.dispose();
        }
      });
    });

    it('checkpoints start at -1 and advance to the last applied position', async () => {
      const initial = await store.checkpoints();
      for (const name of PROJECTION_NAMES) expect(initial[name]).toBe(-1);
      const log = new EventLog();
      log.record(key('X'));
      log.companyCreated('acc-1', 'DEFAULT');
      await h.applyEvents(log.events);
      let cps = await store.checkpoints();
      for (const name of PROJECTION_NAMES) expect(cps[name]).toBe(2);
      log.changeState(key('X'), 'Voided');
      log.licenseKeyIssued('acc-1', 'c-1');
      await h.applyEvents(log.events.slice(2));
      cps = await store.checkpoints();
      for (const name of PROJECTION_NAMES) expect(cps[name]).toBe(4);
      await h.applyEvents(log.events.slice(0, 1)); // a replay never moves a checkpoint back
      expect(await store.checkpoints()).toEqual(cps);
    });
  });
}

// ---- SQLite (embedded): always ----------------------------------------------------------------
readStoreContract('SqliteReadStore (in-memory better-sqlite3)', async () => {
  const db = new Database(':memory:');
  const readStore = new SqliteReadStore(db);
  new SqliteEventStore(db); // creates the log's tables: the embedded read store reads documents from them
  // Fixture events keep their own revisions and positions: put them in the log as they are (a replay
  // finds them already there), then project them as the inline projection does.
  const logEvent = db.prepare(`INSERT OR IGNORE INTO events
    (global_position, event_id, stream_name, stream_revision, event_type, data, metadata, recorded_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  return {
    readStore,
    applyEvents: async (events) => {
      for (const e of events) {
        logEvent.run(e.globalPosition, e.id, e.streamName, e.revision, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), e.metadata.occurredAt);
      }
      readStore.inlineProjection().apply(events);
    },
    dispose: async () => {
      await readStore.close();
      db.close();
    },
  };
});

// ---- SQLite read store wired into SqliteEventStore (embedded profile) ------------------------------
describe('SqliteReadStore inline in SqliteEventStore (embedded profile)', () => {
  let db: Database.Database;
  afterEach(() => db?.close());

  /** Append fixture events through the real event store, stream by stream, in order. */
  async function appendAll(eventStore: SqliteEventStore, events: RecordedEvent[]) {
    for (const e of events) await eventStore.append(e.streamName, [{ type: e.type, data: e.data, metadata: e.metadata }]);
  }

  it('an append is visible in the read models as soon as it returns (read-your-writes)', async () => {
    db = new Database(':memory:');
    const readStore = new SqliteReadStore(db);
    const eventStore = new SqliteEventStore(db, { inlineProjections: [readStore.inlineProjection()] });
    const log = new EventLog();
    const k = key('RYW-1');
    const recorded = log.record(k);
    const result = await eventStore.append(recorded.streamName, [{ type: recorded.type, data: recorded.data, metadata: recorded.metadata }]);
    expect(await readStore.getTransaction(k)).toMatchObject({ version: 1, state: 'Recorded', streamRevision: 0 });
    for (const name of PROJECTION_NAMES) expect((await readStore.checkpoints())[name]).toBe(result.lastGlobalPosition);
    const voided = log.changeState(k, 'Voided');
    await eventStore.append(voided.streamName, [{ type: voided.type, data: voided.data, metadata: voided.metadata }], { expectedRevision: 0 });
    expect((await readStore.getTransaction(k))?.state).toBe('Voided');
  });

  it('a failing projection rolls back the append and the read models together', async () => {
    db = new Database(':memory:');
    const readStore = new SqliteReadStore(db);
    const boom = { name: 'boom', apply: () => { throw new Error('boom'); } };
    const eventStore = new SqliteEventStore(db, { inlineProjections: [readStore.inlineProjection(), boom] });
    const log = new EventLog();
    const e = log.record(key('RB-1'));
    await expect(eventStore.append(e.streamName, [{ type: e.type, data: e.data, metadata: e.metadata }])).rejects.toThrow('boom');
    expect(await eventStore.readStream(e.streamName)).toEqual([]);
    expect(await readStore.getTransaction(key('RB-1'))).toBeNull();
    expect((await readStore.checkpoints()).transactions).toBe(-1);
  });

  it('an Idempotency-Key already recorded for another request rolls the second append back', async () => {
    db = new Database(':memory:');
    const readStore = new SqliteReadStore(db);
    const eventStore = new SqliteEventStore(db, { inlineProjections: [readStore.inlineProjection()] });
    const log = new EventLog();
    const first = log.record(key('IK-1'));
    const second = log.record(key('IK-2'));
    const append = (e: RecordedEvent, requestHash: string) =>
      eventStore.append(e.streamName, [{ type: e.type, data: e.data, metadata: { ...e.metadata, idempotencyKey: 'k', requestHash } }]);
    await append(first, 'h-1');
    await expect(append(second, 'h-2')).rejects.toMatchObject({ code: 'IdempotencyKeyConflict' });
    expect(await eventStore.readStream(second.streamName)).toEqual([]);
    expect(await readStore.getTransaction(key('IK-2'))).toBeNull();
    expect(await readStore.getIdempotencyRecord('acc-1', 'k')).toMatchObject({ requestHash: 'h-1', streamName: first.streamName });
  });

  it('opens a database whose read-model table has an older shape: the table is rebuilt from the log', async () => {
    db = new Database(':memory:');
    const log = new EventLog();
    const k = key('OLD-1');
    log.record(k);
    await appendAll(new SqliteEventStore(db), log.events);
    // What version 1 of the `transactions` projection left behind: no document_revision column.
    db.exec(`CREATE TABLE transactions (account_id TEXT, company_code TEXT, transaction_type TEXT, document_code TEXT,
      stream_id TEXT, state TEXT, transaction_date TEXT, version INTEGER, stream_revision INTEGER, view TEXT,
      PRIMARY KEY (account_id, company_code, transaction_type, document_code));
      CREATE TABLE projection_checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL, version INTEGER NOT NULL);
      INSERT INTO projection_checkpoints VALUES ('transactions', 1, 1);`);
    const readStore = new SqliteReadStore(db);
    const eventStore = new SqliteEventStore(db, { inlineProjections: [readStore.inlineProjection()] });
    await readStore.catchUp(eventStore);
    expect(await readStore.getTransaction(k)).toMatchObject({ version: 1, documentRevision: 0, document: (log.events[0].data as { document: unknown }).document });
  });

  it('catchUp fills read models from an existing log, and rebuilds a projection whose version changed', async () => {
    db = new Database(':memory:');
    const log = new EventLog();
    const a = key('CU-A');
    log.record(a);
    log.record(key('CU-B'));
    log.changeState(a, 'Reconciled');
    log.companyCreated('acc-1', 'DEFAULT');
    await appendAll(new SqliteEventStore(db), log.events); // no read store yet
    const readStore = new SqliteReadStore(db);
    const eventStore = new SqliteEventStore(db, { inlineProjections: [readStore.inlineProjection()] });
    expect(await readStore.getTransaction(a)).toBeNull();

    const progress: number[] = [];
    expect(await readStore.catchUp(eventStore, { batchSize: 3, onProgress: (p) => progress.push(p) })).toBe(4);
    expect(progress).toEqual([3, 4]);
    expect(await readStore.getTransaction(a)).toMatchObject({ state: 'Reconciled', version: 1 });
    expect(codes(await readStore.listTransactions('acc-1', { companyCode: 'DEFAULT', limit: 10 }))).toEqual(['CU-A/Sale', 'CU-B/Sale']);
    expect(await readStore.getCompany('acc-1', 'DEFAULT')).not.toBeNull();
    expect(await readStore.catchUp(eventStore)).toBe(0); // up to date: nothing to read

    // Pretend `transactions` was built by an older projection version (same table shape, another
    // content): catchUp leaves it served as it is; the lease holder's rebuild swaps a fresh build in.
    db.prepare("UPDATE projection_checkpoints SET version = 0 WHERE name = 'transactions'").run();
    db.prepare("UPDATE transactions SET state = 'OldShape', view = json_set(view, '$.state', 'OldShape') WHERE document_code = 'CU-A'").run();
    expect(readStore.outdatedProjections()).toEqual(['transactions']);
    expect(readStore.projectionsToRebuild()).toEqual(['transactions']);
    expect(new SqliteReadStore(db).outdatedProjections()).toEqual(['transactions']); // opening again empties nothing
    expect(await readStore.catchUp(eventStore)).toBe(0);
    expect(await readStore.getTransaction(a)).toMatchObject({ state: 'OldShape' }); // still served
    // Only the lease holder swaps: another projector's rebuild is refused inside the swap's transaction.
    const target = readStore.projectionTarget();
    expect(await target.holdLease!('holder', 60_000)).toBe(true);
    const stranger = new SqliteOutdatedRebuild(db, eventStore, readStore);
    expect(() => {
      while (stranger.step('stranger') || stranger.running);
    }).toThrow(ProjectorLeaseLost);
    expect(readStore.projectionsToRebuild()).toEqual(['transactions']);
    expect(await readStore.getTransaction(a)).toMatchObject({ state: 'OldShape' });
    const rebuild = new SqliteOutdatedRebuild(db, eventStore, readStore);
    let steps = 0;
    while (rebuild.step('holder') || rebuild.running) {
      steps++;
      expect(await readStore.getTransaction(a)).not.toBeNull(); // never missing on the way
    }
    expect(steps).toBeGreaterThan(1);
    expect(readStore.outdatedProjections()).toEqual([]);
    expect(await readStore.getTransaction(a)).toMatchObject({ state: 'Reconciled', version: 1 });
    for (const name of PROJECTION_NAMES) expect((await readStore.checkpoints())[name]).toBe(4);
  });
});

function codes(views: { documentCode: string; transactionType: string }[]) {
  return views.map((v) => `${v.documentCode}/${v.transactionType}`);
}

// ---- MongoDB: only with MONGODB_URI -------------------------------------------------------------
const mongoUri = process.env.MONGODB_URI;
readStoreContract(
  'MongoReadStore (MONGODB_URI)',
  async () => {
    const client = new MongoClient(mongoUri!);
    await client.connect();
    const harness = await mongoHarness(client.db(`tax_ledger_contract_${process.pid}_${randomBytes(6).toString('hex')}`));
    return { ...harness, dispose: async () => (await harness.dispose(), await client.close()) };
  },
  mongoUri ? describe : describe.skip,
);

async function mongoHarness(db: Db): Promise<ReadStoreHarness> {
  const readStore = new MongoReadStore(db);
  await readStore.ensureIndexes();
  return {
    readStore,
    // What the projector does: hold the lease, apply each batch with the checkpoint in one transaction.
    applyEvents: async (events) => {
      if (!(await readStore.acquireLease('contract', 60_000))) throw new Error('lease not acquired');
      if (!(await readStore.applyBatch([...events], 'contract'))) throw new Error('lease lost');
    },
    dispose: async () => {
      await db.dropDatabase();
    },
  };
}

describe('MongoReadStore specifics (MONGODB_URI)', () => {
  const describeOrSkip = mongoUri ? describe : describe.skip;
  describeOrSkip('adapter', () => {
    let client: MongoClient | undefined;
    let store: MongoReadStore;
    beforeEach(async () => {
      client = new MongoClient(mongoUri!);
      await client.connect();
      store = new MongoReadStore(client.db(`tax_ledger_cas_${process.pid}_${randomBytes(6).toString('hex')}`));
      await store.ensureIndexes();
    });
    afterEach(async () => {
      await store.db.dropDatabase();
      await client?.close();
    });

    it('the lease: one holder until it expires or is released; a non-holder writes nothing', async () => {
      expect(await store.acquireLease('a', 60_000)).toBe(true);
      expect(await store.acquireLease('b', 60_000)).toBe(false);
      expect(await store.acquireLease('a', 60_000)).toBe(true); // renewal
      const log = new EventLog();
      log.record(key('LEASE'));
      expect(await store.applyBatch([...log.events], 'b')).toBe(false);
      expect(await store.getTransaction(key('LEASE'))).toBeNull();
      expect(await store.checkpoint()).toBe(-1);
      expect(await store.applyBatch([...log.events], 'a')).toBe(true);
      expect(await store.checkpoint()).toBe(log.events[0].globalPosition);
      await store.releaseLease('a');
      expect(await store.acquireLease('b', 50)).toBe(true);
      await new Promise((r) => setTimeout(r, 120)); // b's lease expires on the server's clock
      expect(await store.acquireLease('a', 60_000)).toBe(true);
      log.changeState(key('LEASE'), 'Voided');
      expect(await store.applyBatch([...log.events], 'b')).toBe(false);
      expect((await store.getTransaction(key('LEASE')))?.state).toBe('Recorded');
    });

    it('a batch applied twice (two holders in turn) counts once: events at or before the checkpoint are skipped', async () => {
      const log = new EventLog();
      const k = key('TWICE');
      log.record(k);
      log.record(k);
      log.changeState(k, 'Reconciled');
      log.companyCreated('acc-1', 'DEFAULT');
      expect(await store.acquireLease('a', 60_000)).toBe(true);
      expect(await store.applyBatch([...log.events], 'a')).toBe(true);
      const liability = await store.listLiabilityRows('acc-1', 'DEFAULT', '2024-01');
      expect(await store.applyBatch([...log.events], 'a')).toBe(true);
      expect(await store.listLiabilityRows('acc-1', 'DEFAULT', '2024-01')).toEqual(liability);
      expect(await store.getTransaction(k)).toMatchObject({ version: 2, state: 'Reconciled', streamRevision: 2 });
      expect((await store.listTransactionVersions(k)).map((v) => v.version)).toEqual([1, 2]);
      expect(await store.getCompany('acc-1', 'DEFAULT')).not.toBeNull();
    });

    it('park: listed with its error, the checkpoint moves past it, a non-holder parks nothing; retry applies it and takes it off', async () => {
      const log = new EventLog();
      const parked = log.record(key('PARKED'));
      const next = log.record(key('NEXT'));
      expect(await store.acquireLease('a', 60_000)).toBe(true);
      expect(await store.park(parked, new TypeError('a bug'), 'b')).toBe(false);
      expect(await store.parkedEvents()).toEqual([]);
      expect(await store.park(parked, new TypeError('a bug'), 'a')).toBe(true);
      expect(await store.checkpoint()).toBe(parked.globalPosition);
      expect(await store.parkedEvents()).toEqual([
        { globalPosition: parked.globalPosition, streamName: parked.streamName, revision: 0, type: 'TransactionRecorded', error: expect.stringContaining('TypeError: a bug'), parkedAt: expect.any(String) },
      ]);
      expect(await store.applyBatch([next], 'a')).toBe(true);
      expect(await store.getTransaction(key('PARKED'))).toBeNull();
      await store.retryParked(parked);
      expect(await store.getTransaction(key('PARKED'))).toMatchObject({ version: 1 });
      expect(await store.parkedEvents()).toEqual([]);
      expect(store.isTransient(new TypeError('a bug'))).toBe(false);
    });

    it('a version change: projections an older version built are rebuilt, a newer build is left alone (rolling upgrade)', async () => {
      const versions = Object.fromEntries(PROJECTIONS.map((p) => [p.name, p.version]));
      await store.db.collection<{ _id: string; position: number; versions: Record<string, number> }>('projection_checkpoints').insertOne({ _id: '$all', position: 1, versions: { ...versions, transactions: versions.transactions + 1, calculations: versions.calculations - 1 } });
      expect((await store.outdatedProjections()).sort()).toEqual(['calculations', 'transactions']);
      expect(await store.projectionsToRebuild()).toEqual(['calculations']);
    });

    it('the projector parks a poison event and the other events go on; a store that answers is not "transient"', async () => {
      const db = new Database(':memory:');
      const eventStore = new SqliteEventStore(db, { pollIntervalMs: 5 });
      const log = new EventLog();
      const k = key('POISON');
      const events = [log.record(key('BEFORE')), { ...log.record(k), data: { ...k, version: 1 } } as unknown as RecordedEvent, log.record(key('AFTER'))];
      for (const e of events) await eventStore.append(e.streamName, [{ type: e.type, data: e.data, metadata: e.metadata }]);
      const projector = new Projector(eventStore, store, { leaseTtlMs: 2000, batchSize: 10, backoff: { initialMs: 5, maxMs: 20 } });
      await projector.start();
      try {
        for (const deadline = Date.now() + 20_000; (await store.checkpoint()) < eventStore.headPosition() && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
        expect((await store.parkedEvents()).map((p) => p.streamName)).toEqual([events[1].streamName]);
        expect(await store.getTransaction(key('BEFORE'))).not.toBeNull();
        expect(await store.getTransaction(key('AFTER'))).not.toBeNull();
      } finally {
        await projector.stop();
        await eventStore.close();
        db.close();
      }
    });
  });
});
