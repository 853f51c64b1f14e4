/*
 * REST v2 list queries over one company with many documents (issue 16): generates a realistic log
 * (lib/ledger-log.ts: BENCH_V2_LIST_DOCUMENTS documents, default 1,000,000, about 1.65 events each),
 * builds the one read model a list reads, `transactions` (its projection and SQLite table, as the server
 * applies them; the other read models are left out to keep the setup short), then runs the queries
 * `GET /api/v2/companies/{c}/transactions` sends to the store (`ReadStore.queryTransactions`, what the
 * route's `$filter`, `$orderBy`, `$top`, `$skip` become) and turns each page into v2 models and JSON as
 * the route does. Per query: the store's time (count + page) and the page's presentation, median and
 * p95 of BENCH_V2_LIST_RUNS runs (default 15) after one warm-up run.
 *
 * Usage: npm run build && node dist/bench/v2-list.js   (prints JSON; progress on stderr)
 *   BENCH_V2_LIST_DOCUMENTS=1000000  documents in the company
 *   BENCH_V2_LIST_RUNS=15            timed runs per query
 *   BENCH_TMPDIR=/path               where the data directory goes (removed afterwards)
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSqliteDatabase, SqliteEventStore } from '@tax-ledger/platform';
import { SqliteReadStore } from '@tax-ledger/read-models';
import type { TransactionQuery } from '@tax-ledger/transactions';
import { SqliteTransactionsTables } from '@tax-ledger/transactions/sqlite';
import { INCLUDE_NONE, presentStoredV2 } from '../apps/api/src/avatax-v2/transaction.presenter';
import { transactionListQuery } from '../apps/api/src/avatax-v2/transaction-list-query';
import { envNumber, log, mb, percentile, procStatusKb, round, runPart } from './lib/common';
import { COMPANY_CODE } from './lib/documents';
import { documentCode, generateLedgerLog } from './lib/ledger-log';

runPart(async () => {
  const documents = envNumber('BENCH_V2_LIST_DOCUMENTS', 1_000_000);
  const runs = envNumber('BENCH_V2_LIST_RUNS', 15);
  const dir = mkdtempSync(join(process.env.BENCH_TMPDIR ?? tmpdir(), 'v2-list-'));
  try {
    const path = join(dir, 'ledger.sqlite');
    log(`v2-list: generating a log of about ${documents} documents`);
    const generated = await generateLedgerLog(path, Math.round(documents * 1.65));
    log(`v2-list: ${generated.events} events, ${generated.documents} documents in ${round(generated.generationSeconds, 1)} s; building the read models`);
    const db = openSqliteDatabase(path, { durability: 'full' });
    db.pragma('synchronous = OFF'); // the build is not what is measured
    const readStore = new SqliteReadStore(db);
    const eventStore = new SqliteEventStore(db);
    const tables = new SqliteTransactionsTables(db);
    const buildStarted = performance.now();
    for (let after = 0; ; ) {
      const page = await eventStore.readAll({ afterPosition: after, maxCount: 5000 });
      db.transaction(() => page.forEach((event) => tables.apply(event)))();
      if (page.length < 5000) break;
      after = page[page.length - 1].globalPosition;
    }
    db.pragma('synchronous = FULL');
    const buildSeconds = (performance.now() - buildStarted) / 1000;
    const rows = (db.prepare('SELECT COUNT(*) AS n FROM transactions').get() as { n: number }).n;
    log(`v2-list: transactions read model built in ${round(buildSeconds, 1)} s (${rows} documents); querying`);

    const accountId = generated.accountId;
    const middle = documentCode(Math.floor(generated.documents / 2));
    const q = (filter: string | undefined, orderBy: string | undefined, top = 100, skip = 0): TransactionQuery =>
      transactionListQuery(COMPANY_CODE, { $filter: filter, $orderBy: orderBy }, { top, skip });
    const cases: { name: string; query: TransactionQuery }[] = [
      { name: 'first page, no filter ($top=100)', query: q(undefined, undefined) },
      { name: "status eq 'Committed'", query: q("status eq 'Committed'", undefined) },
      { name: "status eq 'Cancelled' (5 %)", query: q("status eq 'Cancelled'", undefined) },
      { name: 'date between a 30-day window, $orderBy=date desc', query: q('date between 2025-06-01 and 2025-06-30', 'date desc') },
      { name: "customerCode eq 'SoundersFC' and date ge 2025-12-01", query: q("customerCode eq 'SoundersFC' and date ge 2025-12-01", undefined) },
      { name: `code eq '${middle}'`, query: q(`code eq '${middle}'`, undefined) },
      { name: 'type eq SalesInvoice and locked eq true', query: q('type eq SalesInvoice and locked eq true', undefined) },
      { name: 'deep page: $skip=500000', query: q(undefined, undefined, 100, Math.min(500_000, Math.floor(generated.documents / 2))) },
      { name: '$orderBy=totalAmount desc (no index: a sort of every match)', query: q(undefined, 'totalAmount desc') },
      { name: '$top=1000', query: q(undefined, undefined, 1000) },
    ];

    const results = [];
    for (const c of cases) {
      const store: number[] = [];
      const present: number[] = [];
      let total = 0;
      let pageRows = 0;
      let pageBytes = 0;
      for (let i = 0; i <= runs; i++) {
        const t0 = performance.now();
        const answer = await readStore.queryTransactions(accountId, c.query);
        const t1 = performance.now();
        const json = JSON.stringify({ '@recordsetCount': answer.total, value: answer.rows.map((v) => presentStoredV2(v, INCLUDE_NONE, 1)) });
        const t2 = performance.now();
        if (i === 0) continue; // warm-up
        store.push(t1 - t0);
        present.push(t2 - t1);
        total = answer.total;
        pageRows = answer.rows.length;
        pageBytes = json.length;
      }
      store.sort((x, y) => x - y);
      present.sort((x, y) => x - y);
      const row = {
        query: c.name,
        matches: total,
        pageRows,
        pageBytes,
        storeMs: { median: round(percentile(store, 50), 1), p95: round(percentile(store, 95), 1) },
        presentMs: { median: round(percentile(present, 50), 1), p95: round(percentile(present, 95), 1) },
      };
      log(`v2-list: ${c.name}: ${total} matches, store ${row.storeMs.median} ms (p95 ${row.storeMs.p95}), page ${row.presentMs.median} ms`);
      results.push(row);
    }
    const fileMiB = round(statSync(path).size / 2 ** 20, 0);
    db.close();
    return {
      parameters: {
        documents: generated.documents,
        events: generated.events,
        runsPerQuery: runs,
        store: 'embedded SQLite (better-sqlite3), the transactions read model built by its projection; queries through ReadStore.queryTransactions in-process (no HTTP)',
        page: 'presentStoredV2 (no $include) + JSON.stringify of the page, as the route answers',
      },
      build: { generationSeconds: round(generated.generationSeconds, 1), readModelSeconds: round(buildSeconds, 1), fileMiB, peakRssMb: mb(procStatusKb('self', 'VmHWM')) },
      queries: results,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
