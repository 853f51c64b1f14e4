/*
 * Part: liability worksheet time against the number of documents. For each size (default 10k, 100k,
 * 1M documents; BENCH_QUICK=1: 10k and 100k; BENCH_LIABILITY_SIZES=… to choose) a realistic ledger
 * log is generated (bench/lib/ledger-log: documents spread over 2025, 15 % revised, 5 % voided, 30 %
 * reconciled of which half filed), the read models are built the way the server does at start-up
 * (SqliteReadStore.catchUp), then, on June 2025:
 *   - worksheet: the pre-aggregated rows shaped into region -> jurisdiction -> tax type (what the
 *     report's numbers cost);
 *   - report: the whole GET …/liability answer (adds the voided list and prior-period adjustments,
 *     which are lists, so they grow with the voided / changed documents they name);
 *   - recompute: for contrast, the same totals summed from every document of the month (O(documents)).
 * Target: the worksheet time stays flat as documents grow.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSqliteDatabase, SqliteEventStore } from '@tax-ledger/platform';
import { addAmounts, type PeriodDocument, zeroAmounts } from '@tax-ledger/filing-periods';
import { SqliteReadStore } from '@tax-ledger/read-models';
import { allPeriodDocuments, liabilityReport, worksheet } from '../apps/api/src/reports/liability-report/liability-report';
import { log, quick, round, runPart } from './lib/common';
import { COMPANY_CODE } from './lib/documents';
import { BENCH_ACCOUNT_ID } from './lib/events';
import { generateLedgerLog } from './lib/ledger-log';

const PERIOD = '2025-06';
/** The generator writes about this many events per document. */
const EVENTS_PER_DOCUMENT = 1.65;

function sizes(): number[] {
  const given = process.env.BENCH_LIABILITY_SIZES;
  if (given) return given.split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
  return quick() ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
}

async function timeMs<T>(runs: number, fn: () => Promise<T>): Promise<{ medianMs: number; p95Ms: number; last: T }> {
  const times: number[] = [];
  let last!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    last = await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { medianMs: round(times[Math.floor(times.length / 2)], 3), p95Ms: round(times[Math.min(times.length - 1, Math.floor(times.length * 0.95))], 3), last };
}

runPart(async () => {
  const runs = [];
  for (const documents of sizes()) {
    const dir = mkdtempSync(join(process.env.BENCH_TMP ?? tmpdir(), 'liability-'));
    try {
      const path = join(dir, 'ledger.sqlite');
      log(`liability: generating ~${documents} documents`);
      const generated = await generateLedgerLog(path, Math.round(documents * EVENTS_PER_DOCUMENT));
      const db = openSqliteDatabase(path, { durability: 'normal' });
      const readStore = new SqliteReadStore(db);
      const eventStore = new SqliteEventStore(db, { inlineProjections: [readStore.inlineProjection()] });
      const t0 = performance.now();
      await readStore.catchUp(eventStore, { batchSize: 2000 });
      const buildSeconds = round((performance.now() - t0) / 1000, 1);
      log(`liability: ${generated.documents} documents, ${generated.events} events, read models built in ${buildSeconds} s`);

      const rows = await readStore.listLiabilityRows(BENCH_ACCOUNT_ID, COMPANY_CODE, PERIOD);
      const sheet = await timeMs(50, async () => worksheet(await readStore.listLiabilityRows(BENCH_ACCOUNT_ID, COMPANY_CODE, PERIOD), undefined));
      const report = await timeMs(10, () => liabilityReport(readStore, BENCH_ACCOUNT_ID, COMPANY_CODE, PERIOD, undefined));
      const recompute = await timeMs(3, async () => {
        const docs: PeriodDocument[] = await allPeriodDocuments(readStore, BENCH_ACCOUNT_ID, COMPANY_CODE, PERIOD, { committedOnly: true }, Number.MAX_SAFE_INTEGER);
        let total = zeroAmounts();
        for (const d of docs) if (d.state !== 'Voided') total = addAmounts(total, d.parts.find((p) => p.level === 'period')!.amounts);
        return { documents: docs.length, total };
      });
      // The two ways must agree, or the numbers are meaningless.
      const fromRows = sheet.last.totals!; // the bench ledger is all USD
      if (fromRows.grossSales !== Number(recompute.last.total.grossSales) || fromRows.taxCollected !== Number(recompute.last.total.taxCollected)) {
        throw new Error(`worksheet and recomputation disagree: ${JSON.stringify(fromRows)} vs ${JSON.stringify(recompute.last.total)}`);
      }
      runs.push({
        documents: generated.documents,
        events: generated.events,
        documentsInPeriod: recompute.last.documents,
        liabilityRowsInPeriod: rows.length,
        voidedListed: report.last.voidedDocuments.length,
        readModelBuildSeconds: buildSeconds,
        databaseMb: round(statSync(path).size / 2 ** 20, 1),
        worksheet: { medianMs: sheet.medianMs, p95Ms: sheet.p95Ms },
        report: { medianMs: report.medianMs, p95Ms: report.p95Ms },
        recomputeFromDocuments: { medianMs: recompute.medianMs },
      });
      log(`liability: worksheet ${sheet.medianMs} ms, report ${report.medianMs} ms, recompute ${recompute.medianMs} ms over ${recompute.last.documents} documents`);
      await eventStore.close();
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const first = runs[0]?.worksheet.medianMs ?? 0;
  const last = runs[runs.length - 1]?.worksheet.medianMs ?? 0;
  return {
    period: PERIOD,
    runs,
    target: {
      description: 'worksheet time flat in the number of documents (largest size within 2x of the smallest, or under 5 ms)',
      met: runs.length > 0 && (last <= 2 * first || last < 5),
    },
  };
});
