/*
 * AvaTax v2 batch throughput (issue 16): an embedded ledger in this process (the API as `npm start` runs
 * it: writer thread, projector), one company; a createTransactionBatch of BENCH_BATCH_ROWS
 * createOrAdjust items (default 2,000) and a TransactionImport CSV of as many one-line documents, each
 * timed from the create call to the worker's drain (every item through the ordinary write path,
 * progress every LEDGER_BATCH_CHUNK_SIZE items). Prints rows/s.
 *
 * Usage: npm run build && node dist/bench/batches.js   (prints JSON; progress on stderr)
 *   BENCH_BATCH_ROWS=2000   items per batch
 *   BENCH_TMPDIR=/path      where the data directory goes (removed afterwards)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BatchWorker } from '../apps/api/src/avatax-v2/batches/process-batches/batch-worker';
import { loadConfig } from '../apps/api/src/config';
import { createApp } from '../apps/api/src/main';
import { envNumber, log, PARTNER_KEY, round, runPart } from './lib/common';

const SEATTLE = { line1: '255 S King St', city: 'Seattle', region: 'WA', postalCode: '98104', country: 'US' };
const SPOKANE = { line1: '808 W Spokane Falls Blvd', city: 'Spokane', region: 'WA', postalCode: '99201', country: 'US' };

runPart(async () => {
  const rows = envNumber('BENCH_BATCH_ROWS', 2000);
  const dir = mkdtempSync(join(process.env.BENCH_TMPDIR ?? tmpdir(), 'batches-'));
  // The timer is off: the creation's notify and drain() run the worker, so the clock measures the work.
  const config = loadConfig({ ...process.env, LEDGER_DATA_DIR: dir, LEDGER_PARTNER_KEY: PARTNER_KEY, LEDGER_BATCH_POLL_MS: '3600000', LOG_LEVEL: 'warn' });
  const app = await createApp(config, { logs: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  try {
    const call = async (method: 'GET' | 'POST' | 'PUT', url: string, headers: Record<string, string>, payload?: unknown) => {
      const res = await app.inject({ method, url, headers: { 'content-type': 'application/json', ...headers }, payload: payload === undefined ? undefined : JSON.stringify(payload) });
      if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 500)}`);
      return res.json();
    };
    const account = await call('POST', '/accounts', { authorization: `Bearer ${PARTNER_KEY}` }, { accountName: 'Bench batches', companyCode: 'BENCH', companyAddress: SEATTLE });
    const auth = { authorization: `Basic ${Buffer.from(`${account.accountId}:${account.licenseKey}`).toString('base64')}` };
    const companyId = account.companyId as number;
    const worker = app.get(BatchWorker);

    const run = async (name: string, create: () => Promise<{ id: number }>) => {
      const started = performance.now();
      const batch = await create();
      const accepted = performance.now();
      await worker.drain();
      const done = performance.now();
      const status = await call('GET', `/api/v2/companies/${companyId}/batches/${batch.id}`, auth);
      if (status.currentRecord !== rows || status.status !== 'Completed') throw new Error(`${name}: ${JSON.stringify(status)}`);
      const seconds = (done - started) / 1000;
      log(`batches: ${name}: ${rows} rows in ${round(seconds, 2)} s`);
      return { name, rows, createMs: round(accepted - started, 1), seconds: round(seconds, 2), rowsPerSecond: round(rows / seconds, 1) };
    };

    const invoice = (code: string) => ({ type: 'SalesInvoice', companyCode: 'BENCH', code, date: '2024-03-15', customerCode: 'C', commit: true, addresses: { shipFrom: SEATTLE, shipTo: SPOKANE }, lines: [{ number: '1', amount: 100, taxCode: 'P0000000' }] });
    const json = await run('createTransactionBatch (createOrAdjust items)', () =>
      call('POST', `/api/v2/companies/${companyId}/batches/transactions`, auth, { name: 'bench json', transactions: Array.from({ length: rows }, (_, i) => ({ createOrAdjustTransactionModel: { createTransactionModel: invoice(`J-${i}`) } })) }),
    );
    const header = 'ProcessCode,DocCode,DocType,DocDate,CompanyCode,CustomerCode,LineNo,TaxCode,Amount,DestAddress,DestCity,DestRegion,DestPostalCode,DestCountry,OrigAddress,OrigCity,OrigRegion,OrigPostalCode,OrigCountry';
    const addresses = [SPOKANE, SEATTLE].map((a) => [a.line1, a.city, a.region, a.postalCode, a.country].join(',')).join(',');
    const csv = [header, ...Array.from({ length: rows }, (_, i) => `3,C-${i},1,2024-03-15,BENCH,C,1,P0000000,100,${addresses}`)].join('\n');
    const file = await run('createBatches (TransactionImport CSV, one line per document)', async () => {
      const [batch] = await call('POST', `/api/v2/companies/${companyId}/batches`, auth, [{ type: 'TransactionImport', name: 'bench csv', files: [{ name: 'bench.csv', content: Buffer.from(csv).toString('base64') }] }]);
      return batch;
    });
    return { chunkSize: config.batchWorker.chunkSize, results: [json, file] };
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
