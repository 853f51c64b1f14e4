/*
 * The HTTP ceiling: a bare Fastify server (no logger, no Nest, no validation, no storage) with one
 * POST /transactions route that parses the JSON body and answers 201 with a similar JSON document.
 * Started by bench/http.ts as a child process on PORT/HOST.
 */
import Fastify from 'fastify';
import { calculateTax, loadDefaultContent } from '@tax-ledger/tax-engine';
import { benchDocument, COMPANY_CODE } from './lib/documents';

const calculated = calculateTax(benchDocument(0), { companyCode: COMPANY_CODE, defaultCurrency: 'USD' }, loadDefaultContent()).document;
const processingInfo = {
  transactionState: 'Recorded',
  versionId: '6f1e0c7a9b2d4e8f0a1b2c3d4e5f6a7b',
  version: 1,
  formatId: 1,
  duration: 0.000123,
  modifiedDate: '2025-06-11T10:00:00.000Z',
};

const app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });
app.get('/health', async () => ({ status: 'ok' }));
app.post('/transactions', async (request, reply) => {
  const documentCode = (request.body as { header?: { documentCode?: string } } | undefined)?.header?.documentCode;
  reply.code(201).header('Location', `/transactions/A1%20Boats/Sale/${encodeURIComponent(String(documentCode))}`);
  return { header: { ...calculated.header, documentCode }, lines: calculated.lines, calculatedTaxSummary: calculated.calculatedTaxSummary, processingInfo };
});

process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
app.listen({ port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? '127.0.0.1' }).catch((error) => {
  // eslint-disable-next-line no-console
  console.error(error);
  process.exit(1);
});
