/**
 * AvaTax REST v2 batches through the official `avatax` SDK: a JSON transaction batch and a
 * TransactionImport CSV batch with good and bad rows, progress in chunks, the result file, cancel,
 * delete; a worker that dies between an item's write and its progress resumes after a restart without
 * writing the item twice; two workers on one store never process a batch twice. The worker runs in the
 * server; tests await `BatchWorker.drain()`, never a clock.
 */
import { type BatchProgressed, batchStreamName } from '@tax-ledger/batches';
import { EVENT_STORE, type EventStore } from '@tax-ledger/platform';
import { parse } from 'csv-parse/sync';
import { BatchWorker } from '../apps/api/src/avatax-v2/batches/process-batches/batch-worker';
import { avataxClientFor } from './support/avatax-sdk';
import { onboard, type OnboardedAccount, SEATTLE } from './support/onboarding';
import { startTestApp, type TestApp } from './support/test-app';

const SPOKANE = { line1: '808 W Spokane Falls Blvd', city: 'Spokane', region: 'WA', postalCode: '99201', country: 'US' };
const errorCode = (promise: Promise<unknown>) => promise.then(() => 'no error', (e: { code?: string }) => e.code);
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** AvaTax's TransactionImport template header (columns A to AP as the template orders them, the ones these rows use). */
const HEADER =
  'ProcessCode,DocCode,DocType,DocDate,CompanyCode,CustomerCode,EntityUseCode,LineNo,TaxCode,TaxDate,ItemCode,Description,Qty,Amount,Discount,Ref1,Ref2,ExemptionNo,RevAcct,DestAddress,DestCity,DestRegion,DestPostalCode,DestCountry,OrigAddress,OrigCity,OrigRegion,OrigPostalCode,OrigCountry,LocationCode,SalesPersonCode,PurchaseOrderNo,CurrencyCode,ExchangeRate,ExchangeRateEffDate,PaymentDate,TaxIncluded,DestTaxRegion,OrigTaxRegion,Taxable,TaxType,TotalTax';
const csvRow = (pc: number, docCode: string, companyCode: string, lineNo: number, amount: number | string, extra: { date?: string; discount?: string; customer?: string } = {}) =>
  [pc, docCode, 1, extra.date ?? '2024-03-15', companyCode, extra.customer ?? 'CUST-1', '', lineNo, 'P0000000', '', `SKU-${lineNo}`, `Item ${lineNo}`, 1, amount, extra.discount ?? '', '', '', '', '',
    SPOKANE.line1, SPOKANE.city, SPOKANE.region, SPOKANE.postalCode, SPOKANE.country, SEATTLE.line1, SEATTLE.city, SEATTLE.region, SEATTLE.postalCode, SEATTLE.country,
    '', '', '', 'USD', '', '', '', '', '', '', '', '', ''].join(',');

describe('AvaTax v2 batches through the SDK', () => {
  let t: TestApp;
  let a: OnboardedAccount;
  let client: any;
  let worker: BatchWorker;
  let events: EventStore;

  const invoice = (code: string, amounts: number[], extra: Record<string, unknown> = {}) => ({
    type: 'SalesInvoice',
    companyCode: a.companyCode,
    code,
    date: '2024-03-15',
    customerCode: 'CUST-42',
    commit: true,
    addresses: { shipFrom: SEATTLE, shipTo: SPOKANE },
    lines: amounts.map((amount, i) => ({ number: String(i + 1), amount, quantity: 1, itemCode: `SKU-${i + 1}`, taxCode: 'P0000000' })),
    ...extra,
  });
  const resultRows = async (batchId: number) => {
    const file = await client.downloadBatch({ companyId: a.companyId, batchId, id: 2 });
    expect(file.headers.get('content-type')).toBe('text/csv');
    return parse(await file.text(), { columns: true }) as Record<string, string>[];
  };
  const transaction = (code: string) => client.getTransactionByCode({ companyCode: a.companyCode, transactionCode: code });

  beforeAll(async () => {
    t = await startTestApp({ LEDGER_BATCH_CHUNK_SIZE: '2' });
    a = await onboard(t, 'Batch Co', SEATTLE);
    ({ client } = await avataxClientFor(t, a));
    worker = t.app.get(BatchWorker);
    events = t.app.get(EVENT_STORE);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('createTransactionBatch: create, createOrAdjust, adjust and void run in order; a bad item is that item\'s error; progress in chunks; one result row per item', async () => {
    const created = await client.createTransactionBatch({
      companyId: a.companyId,
      model: {
        name: 'March invoices',
        transactions: [
          { createTransactionModel: invoice('B-1', [100]) },
          { createOrAdjustTransactionModel: { createTransactionModel: invoice('B-2', [200]) } },
          { createTransactionModel: { ...invoice('B-3', [10]), customerCode: undefined } },
          { memo: 'nothing to do' },
          { adjustTransactionModel: { companyCode: a.companyCode, transactionCode: 'B-2', adjustmentReason: 'PriceAdjusted', newTransaction: invoice('B-2', [300]) } },
          { voidTransactionModel: { companyCode: a.companyCode, transactionCode: 'B-1', code: 'DocVoided' } },
          { voidTransactionModel: { companyCode: a.companyCode, transactionCode: 'B-404', code: 'DocVoided' } },
        ],
      },
    });
    expect(created).toMatchObject({ name: 'March invoices', companyId: a.companyId, type: 'TransactionImport', recordCount: 7 });
    expect(['Waiting', 'Processing', 'Errors']).toContain(created.status);
    await worker.drain();

    const batch = await client.getBatch({ companyId: a.companyId, id: created.id });
    expect(batch).toMatchObject({ id: created.id, status: 'Errors', recordCount: 7, currentRecord: 7 });
    expect(batch.files.map((f: { id: number; name: string }) => [f.id, f.name])).toEqual([[1, 'March invoices.json'], [2, 'March invoices.result.csv']]);
    expect(batch.files[1].errorCount).toBe(3);
    expect((await resultRows(created.id)).map((r) => [r.Row, r.Status, r.DocCode, r.DocType, r.ErrorCode])).toEqual([
      ['1', 'Success', 'B-1', 'SalesInvoice', ''],
      ['2', 'Success', 'B-2', 'SalesInvoice', ''],
      ['3', 'Error', 'B-3', 'SalesInvoice', 'ValueRequiredError'],
      ['4', 'Error', '', '', 'InvalidBatchItem'],
      ['5', 'Success', 'B-2', 'SalesInvoice', ''],
      ['6', 'Success', 'B-1', 'SalesInvoice', ''],
      ['7', 'Error', 'B-404', '', 'EntityNotFoundError'],
    ]);
    // Progress in chunks of two items (LEDGER_BATCH_CHUNK_SIZE), in order.
    const progress = (await events.readStream(batchStreamName({ accountId: a.accountId, batchId: created.id }))).filter((e) => e.type === 'BatchProgressed');
    expect(progress.map((e) => (e as unknown as BatchProgressed).data.results.map((r) => r.item))).toEqual([[0, 1], [2, 3], [4, 5], [6]]);
    // The rows went through the ordinary write path: tax calculated, adjusted, voided.
    expect(await transaction('B-1')).toMatchObject({ status: 'Cancelled', totalTax: 6.5 });
    expect(await transaction('B-2')).toMatchObject({ status: 'Committed', version: 2, totalAmount: 300, totalTax: 19.5, adjustmentReason: 'PriceAdjusted' });
    expect(await errorCode(transaction('B-3'))).toBe('EntityNotFoundError');
    // The uploaded file, as JSON.
    const file = await client.downloadBatch({ companyId: a.companyId, batchId: created.id, id: 1 });
    expect(file).toHaveLength(7);
  });

  it('createBatches: a TransactionImport CSV (one row per line, a DocCode\'s rows contiguous): new, adjust, void; unsupported process codes and columns are that document\'s error', async () => {
    const csv = [
      HEADER,
      csvRow(3, 'CSV-1', a.companyCode, 1, 100),
      csvRow(3, 'CSV-1', a.companyCode, 2, 50),
      csvRow(3, 'CSV-2', a.companyCode, 1, 20, { date: '03/16/2024' }),
      csvRow(5, 'CSV-3', a.companyCode, 1, 0),
      csvRow(3, 'CSV-4', a.companyCode, 1, 10, { discount: '5' }),
      csvRow(4, 'CSV-1', a.companyCode, 1, 400),
      csvRow(0, 'CSV-2', a.companyCode, 1, ''),
      csvRow(3, 'CSV-5', a.companyCode, 1, 'abc'),
      csvRow(3, 'CSV-1', 'OTHER CO', 1, 5),
    ].join('\n');
    const [created] = await client.createBatches({
      companyId: a.companyId,
      model: [{ type: 10, name: 'Import March', files: [{ name: 'march.csv', content: base64(csv), fileExtension: 'csv' }] }],
    });
    expect(created).toMatchObject({ name: 'Import March', type: 'TransactionImport', recordCount: 9 });
    await worker.drain();
    expect(await client.getBatch({ companyId: a.companyId, id: created.id })).toMatchObject({ status: 'Errors', recordCount: 9, currentRecord: 9 });
    const rows = await resultRows(created.id);
    expect(rows.map((r) => [r.Row, r.Status, r.DocCode, r.ErrorCode])).toEqual([
      ['1', 'Success', 'CSV-1', ''],
      ['2', 'Success', 'CSV-1', ''],
      ['3', 'Success', 'CSV-2', ''],
      ['4', 'Error', 'CSV-3', 'UnsupportedProcessCode'],
      ['5', 'Error', 'CSV-4', 'UnsupportedColumn'],
      ['6', 'Success', 'CSV-1', ''],
      ['7', 'Success', 'CSV-2', ''],
      ['8', 'Error', 'CSV-5', 'InvalidParameterValue'],
      ['9', 'Error', 'CSV-1', 'CompanyCodeMismatch'],
    ]);
    expect(rows[3].ErrorMessage).toContain('ProcessCode 5 (accrued consumer use tax override (new transaction)) is not supported');
    expect(rows[4].ErrorMessage).toContain('Discount');
    expect(await transaction('CSV-1')).toMatchObject({ status: 'Committed', version: 2, totalAmount: 400, totalTax: 26 });
    expect(await transaction('CSV-2')).toMatchObject({ status: 'Cancelled', date: '2024-03-16' });
    const uploaded = await client.downloadBatch({ companyId: a.companyId, batchId: created.id, id: 1 });
    expect(await uploaded.text()).toBe(csv);
  });

  it('a file that is not a TransactionImport, another batch type, an empty list: 400 naming it, nothing created', async () => {
    const before = (await client.listBatchesByCompany({ companyId: a.companyId }))['@recordsetCount'];
    const bad = (model: unknown) => errorCode(client.createBatches({ companyId: a.companyId, model }));
    expect(await bad([{ type: 'ItemImport', name: 'items', files: [{ content: base64('a,b') }] }])).toBe('UnsupportedBatchType');
    expect(await bad([{ type: 'TransactionImport', name: 'x', files: [{ content: base64('DocCode,Amount\nA,1') }] }])).toBe('InvalidBatchFile');
    expect(await bad([{ type: 'TransactionImport', name: 'x', files: [{ content: base64(HEADER) }] }])).toBe('InvalidBatchFile');
    expect(await bad([{ type: 'TransactionImport', name: 'x', files: [{ content: base64('x'), fileExtension: 'xlsx' }] }])).toBe('UnsupportedFileType');
    expect(await bad([])).toBe('ModelRequiredException');
    expect(await errorCode(client.createTransactionBatch({ companyId: a.companyId, model: { name: 'empty', transactions: [] } }))).toBe('ValueRequiredError');
    expect(await errorCode(client.createTransactionBatch({ companyId: 999999, model: { name: 'n', transactions: [{}] } }))).toBe('EntityNotFoundError');
    expect((await client.listBatchesByCompany({ companyId: a.companyId }))['@recordsetCount']).toBe(before);
  });

  it('cancel stops between items (documents written so far stay; the rest is NotProcessed); a Processing batch is not deleted; delete hides it', async () => {
    const codes = ['C-1', 'C-2', 'C-3', 'C-4'];
    let deleteWhileProcessing = '';
    worker.afterItem = async (batchId, item) => {
      if (item !== 0) return;
      deleteWhileProcessing = (await errorCode(client.deleteBatch({ companyId: a.companyId, id: batchId }))) ?? '';
      const cancelled = await client.cancelBatch({ companyId: a.companyId, id: batchId });
      expect(cancelled.status).toBe('Cancelled');
    };
    try {
      const created = await client.createTransactionBatch({ companyId: a.companyId, model: { name: 'to cancel', transactions: codes.map((c) => ({ createTransactionModel: invoice(c, [10]) })) } });
      await worker.drain();
      expect(deleteWhileProcessing).toBe('BatchIsProcessing');
      const batch = await client.getBatch({ companyId: a.companyId, id: created.id });
      expect(batch).toMatchObject({ status: 'Cancelled', recordCount: 4, currentRecord: 1 });
      expect((await resultRows(created.id)).map((r) => r.Status)).toEqual(['Success', 'NotProcessed', 'NotProcessed', 'NotProcessed']);
      expect(await errorCode(transaction('C-2'))).toBe('EntityNotFoundError');
      expect(await errorCode(client.cancelBatch({ companyId: a.companyId, id: created.id }))).toBe('BatchNotCancellable');

      expect(await client.deleteBatch({ companyId: a.companyId, id: created.id })).toEqual([]);
      expect(await errorCode(client.getBatch({ companyId: a.companyId, id: created.id }))).toBe('EntityNotFoundError');
      expect(await errorCode(client.deleteBatch({ companyId: a.companyId, id: created.id }))).toBe('EntityNotFoundError');
      const listed = await client.queryBatches({});
      expect(listed.value.map((b: { id: number }) => b.id)).not.toContain(created.id);
      expect(await transaction('C-1')).toMatchObject({ status: 'Committed' });
    } finally {
      worker.afterItem = undefined;
    }
  });

  it('lists the company\'s and the account\'s batches newest first with paging', async () => {
    const company = await client.listBatchesByCompany({ companyId: a.companyId, top: 1 });
    expect(company['@recordsetCount']).toBe(2);
    expect(company.value).toHaveLength(1);
    expect(company['@nextLink']).toContain('%24skip=1');
    const account = await client.queryBatches({});
    expect(account.value.map((b: { name: string }) => b.name).sort()).toEqual(['Import March', 'March invoices']);
    expect(await errorCode(client.queryBatches({ filter: "status eq 'Errors'" }))).toBe('CriteriaNotSupportedError');
    expect(await errorCode(client.getBatch({ companyId: a.companyId, id: 12345 }))).toBe('EntityNotFoundError');
  });

  it('an item is read as createTransaction reads a body: property names in any case, "true" for true', async () => {
    const model = { ...invoice('B-CASE', [100]), commit: 'true', lines: [{ Number: '1', Amount: 100, taxcode: 'NT' }] };
    const created = await client.createTransactionBatch({ companyId: a.companyId, model: { name: 'spelling', transactions: [{ createTransactionModel: model }] } });
    await worker.drain();
    expect(await client.getBatch({ companyId: a.companyId, id: created.id })).toMatchObject({ status: 'Completed' });
    expect(await transaction('B-CASE')).toMatchObject({ status: 'Committed', totalAmount: 100, totalTax: 0, lines: [expect.objectContaining({ taxCode: 'NT', tax: 0 })] });
  });

  it('two workers on one store: a live claim keeps the other out; a worker taken over mid-batch backs off at its next progress append, and no item is written twice', async () => {
    const other = worker.sibling('worker-B', { staleAfterMs: 0 });
    const careful = worker.sibling('worker-C');
    let raced = false;
    worker.afterItem = async (_batchId, item) => {
      if (item !== 1 || raced) return;
      raced = true;
      // While this worker holds the batch, a worker with the default staleness stays out ...
      await careful.drain();
      // ... and one that deems it stale takes it over and finishes it (items 0 and 1 answer from their Idempotency-Keys).
      await other.drain();
    };
    try {
      const created = await client.createTransactionBatch({
        companyId: a.companyId,
        model: { name: 'raced', transactions: ['R-1', 'R-2', 'R-3'].map((c) => ({ createOrAdjustTransactionModel: { createTransactionModel: invoice(c, [10]) } })) },
      });
      await worker.drain();
      expect(raced).toBe(true);
      expect(await client.getBatch({ companyId: a.companyId, id: created.id })).toMatchObject({ status: 'Completed', currentRecord: 3 });
      const stream = await events.readStream(batchStreamName({ accountId: a.accountId, batchId: created.id }));
      expect(stream.map((e) => e.type)).toEqual(['BatchCreated', 'BatchClaimed', 'BatchClaimed', 'BatchProgressed', 'BatchProgressed', 'BatchCompleted']);
      expect(stream.filter((e) => e.type === 'BatchClaimed').map((e) => (e.data as { workerId: string }).workerId)).toEqual([worker.workerId, 'worker-B']);
      for (const code of ['R-1', 'R-2', 'R-3']) expect(await transaction(code)).toMatchObject({ version: 1 });
      expect((await resultRows(created.id)).map((r) => r.Status)).toEqual(['Success', 'Success', 'Success']);
    } finally {
      worker.afterItem = undefined;
    }
  });
});

describe('AvaTax v2 batches across a restart', () => {
  it('a worker that died between an item\'s write and its progress resumes from the log after a restart, without writing the item twice', async () => {
    // No timer: only the creation's notify and drain() run the worker; a dead worker's claim is stale at once.
    const env = { LEDGER_BATCH_CHUNK_SIZE: '2', LEDGER_BATCH_POLL_MS: '600000', LEDGER_BATCH_STALE_AFTER_MS: '0', LEDGER_MAX_RECORD_BYTES: '65536' };
    let t = await startTestApp(env);
    try {
      const a = await onboard(t, 'Restart Co', SEATTLE);
      let { client } = await avataxClientFor(t, a);
      const invoice = (code: string) => ({ createOrAdjustTransactionModel: { createTransactionModel: { type: 'SalesInvoice', companyCode: a.companyCode, code, date: '2024-03-15', customerCode: 'C', commit: true, addresses: { shipFrom: SEATTLE, shipTo: SPOKANE }, lines: [{ number: '1', amount: 100, taxCode: 'P0000000' }] } } });
      const first = t.app.get(BatchWorker);
      first.afterItem = (_batchId, item) => {
        if (item === 2) throw new Error('the process dies here');
      };
      const created = await client.createTransactionBatch({ companyId: a.companyId, model: { name: 'resumed', transactions: ['S-1', 'S-2', 'S-3', 'S-4'].map(invoice) } });
      await first.drain();
      // Items 0 and 1 recorded; item 2 written, its result not.
      expect(await client.getBatch({ companyId: a.companyId, id: created.id })).toMatchObject({ status: 'Processing', currentRecord: 2 });
      expect(await client.getTransactionByCode({ companyCode: a.companyCode, transactionCode: 'S-3' })).toMatchObject({ version: 1 });

      t = await t.restart();
      ({ client } = await avataxClientFor(t, a));
      await t.app.get(BatchWorker).drain();
      expect(await client.getBatch({ companyId: a.companyId, id: created.id })).toMatchObject({ status: 'Completed', currentRecord: 4 });
      for (const code of ['S-1', 'S-2', 'S-3', 'S-4']) {
        // createOrAdjust run twice would have made version 2: the second run answered from the Idempotency-Key.
        expect(await client.getTransactionByCode({ companyCode: a.companyCode, transactionCode: code })).toMatchObject({ version: 1 });
      }
      const stream = await t.app.get<EventStore>(EVENT_STORE).readStream(batchStreamName({ accountId: a.accountId, batchId: created.id }));
      expect(stream.filter((e) => e.type === 'BatchProgressed').flatMap((e) => (e as unknown as BatchProgressed).data.results.map((r) => r.item))).toEqual([0, 1, 2, 3]);

      // A file larger than one write of the ledger (LEDGER_MAX_RECORD_BYTES, here 64 KiB): 413 before anything is written.
      const big = [HEADER, ...Array.from({ length: 400 }, (_, i) => csvRow(3, `BIG-${i}`, a.companyCode, 1, 1))].join('\n');
      const tooLarge = await client.createBatches({ companyId: a.companyId, model: [{ type: 'TransactionImport', name: 'big', files: [{ content: base64(big) }] }] }).then(
        () => undefined,
        (e: { code: string; message: string }) => e,
      );
      expect(tooLarge).toMatchObject({ code: 'RequestTooLarge' });
      expect(tooLarge!.message).toContain('LEDGER_MAX_RECORD_BYTES');
    } finally {
      await t.close();
    }
  });
});
