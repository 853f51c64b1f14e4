import { parse } from 'csv-parse/sync';
import Decimal from 'decimal.js';
import { TRANSACTION_TYPES, type TransactionType } from '@tax-ledger/tax-engine';

import { badRequest, type ErrorDetail } from '../../common/api-error';
import type { PeriodDocument } from '@tax-ledger/filing-periods';

/** One document of the client's own ledger (their books). */
export interface ClientDocument {
  documentCode: string;
  transactionType: TransactionType;
  transactionDate: string;
  totalAmount: string;
  totalTax: string;
  /** CSV line number or JSON array index (from 0), for the answer. */
  source: string;
}

export const CLIENT_COLUMNS = ['documentCode', 'transactionType', 'transactionDate', 'totalAmount', 'totalTax'] as const;

/** AvaTax document types a client's books may carry, as ledger transaction types. */
const TYPE_ALIASES: Record<string, TransactionType> = {
  salesinvoice: 'Sale',
  returninvoice: 'Sale',
  purchaseinvoice: 'Purchase',
  returnpurchase: 'Purchase',
  inventorytransferinvoice: 'Transfer',
};

function parseType(value: unknown): TransactionType | undefined {
  if (typeof value !== 'string') return undefined;
  const wanted = value.trim().toLowerCase();
  return TRANSACTION_TYPES.find((t) => t.toLowerCase() === wanted) ?? TYPE_ALIASES[wanted];
}

const DECIMAL = /^-?\d{1,13}(\.\d{1,10})?$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** Validates one row; the message names the field. */
function clientDocument(raw: Record<string, unknown>, source: string): ClientDocument | string {
  const code = raw.documentCode;
  if (typeof code !== 'string' || code.trim() === '' || code.length > 1024) return 'documentCode must be a non-empty string';
  const type = parseType(raw.transactionType);
  if (!type) return `transactionType must be one of ${TRANSACTION_TYPES.join(', ')}`;
  const date = raw.transactionDate;
  if (typeof date !== 'string' || !DATE.test(date.trim().slice(0, 10))) return 'transactionDate must be a date as YYYY-MM-DD';
  const amounts: Record<'totalAmount' | 'totalTax', string> = { totalAmount: '', totalTax: '' };
  for (const field of ['totalAmount', 'totalTax'] as const) {
    const v = raw[field];
    const text = typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'string' ? v.trim() : '';
    if (!DECIMAL.test(text)) return `${field} must be a decimal number such as 123.45`;
    amounts[field] = new Decimal(text).toString();
  }
  return { documentCode: code, transactionType: type, transactionDate: date.trim().slice(0, 10), ...amounts, source };
}

function refuse(problems: { where: string; message: string }[]): never {
  const details: ErrorDetail[] = problems.slice(0, 20).map((p) => ({ code: 'InvalidClientDocument', message: `${p.where}: ${p.message}`, severity: 'Error', refersTo: p.where }));
  throw badRequest('InvalidClientLedger', `${problems.length} row(s) of the client ledger are invalid; first: ${problems[0].where}: ${problems[0].message}.`, problems[0].where, details);
}

function checkDuplicates(docs: ClientDocument[]) {
  const seen = new Map<string, string>();
  const problems: { where: string; message: string }[] = [];
  for (const d of docs) {
    const id = `${d.transactionType}\u001f${d.documentCode}`;
    const first = seen.get(id);
    if (first) problems.push({ where: d.source, message: `${d.transactionType} ${d.documentCode} is listed twice (first at ${first})` });
    else seen.set(id, d.source);
  }
  if (problems.length) refuse(problems);
}

/** A JSON body: an array of documents. */
export function clientLedgerFromJson(body: unknown): ClientDocument[] {
  if (!Array.isArray(body)) throw badRequest('InvalidClientLedger', 'The body must be a JSON array of {documentCode, transactionType, transactionDate, totalAmount, totalTax}, or CSV (Content-Type: text/csv).', 'body');
  const problems: { where: string; message: string }[] = [];
  const docs: ClientDocument[] = [];
  body.forEach((raw, i) => {
    const where = `[${i}]`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return problems.push({ where, message: 'must be an object' });
    const doc = clientDocument(raw as Record<string, unknown>, where);
    if (typeof doc === 'string') problems.push({ where, message: doc });
    else docs.push(doc);
  });
  if (problems.length) refuse(problems);
  checkDuplicates(docs);
  return docs;
}

/** A CSV upload with a header row naming the five columns (any order, extra columns ignored). */
export function clientLedgerFromCsv(text: string): ClientDocument[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true, info: true, relax_column_count: false }) as typeof records;
  } catch (error) {
    const lines = (error as { lines?: number }).lines;
    const where = lines !== undefined ? `line ${lines}` : 'body';
    throw badRequest('InvalidCsv', `The CSV cannot be read at ${where}: ${(error as Error).message}`, where);
  }
  const header = records.length ? Object.keys(records[0].record) : [];
  const missing = CLIENT_COLUMNS.filter((c) => !header.includes(c));
  if (records.length && missing.length) {
    throw badRequest('MissingCsvColumn', `The CSV header must name ${CLIENT_COLUMNS.join(', ')}; missing: ${missing.join(', ')}.`, 'line 1');
  }
  const problems: { where: string; message: string }[] = [];
  const docs: ClientDocument[] = [];
  for (const { record, info } of records) {
    const where = `line ${info.lines}`;
    const doc = clientDocument(record, where);
    if (typeof doc === 'string') problems.push({ where, message: doc });
    else docs.push(doc);
  }
  if (problems.length) refuse(problems);
  checkDuplicates(docs);
  return docs;
}

export const RECONCILIATION_CATEGORIES = ['matched', 'amountMismatch', 'taxMismatch', 'dateMismatch', 'missingInLedger', 'missingInClientBooks'] as const;
export type ReconciliationCategory = (typeof RECONCILIATION_CATEGORIES)[number];

export interface ReconciliationItem {
  documentCode: string;
  transactionType: string;
  ledger?: { transactionDate: string; totalAmount: number; totalTax: number; state: string };
  client?: { source: string; transactionDate: string; totalAmount: number; totalTax: number };
  /** client − ledger, where both have the document. */
  difference?: { totalAmount: number; totalTax: number };
}

export interface CategoryTotals {
  count: number;
  ledgerTotalAmount: number;
  ledgerTotalTax: number;
  clientTotalAmount: number;
  clientTotalTax: number;
}

export interface ReconciliationReport {
  report: 'reconciliation';
  companyCode: string;
  period: string;
  region?: string;
  generatedAt: string;
  summary: Record<ReconciliationCategory, CategoryTotals>;
  /** Client rows dated outside the period that match no document of the period: not compared. */
  ignoredOutsidePeriod: number;
  items: Record<ReconciliationCategory, ReconciliationItem[]>;
}

/**
 * Compares the ledger's documents of a period (committed, not voided) with the client's: by
 * transaction type and document code; a document found on both sides is matched when date, total
 * amount and total tax agree, else it is listed under each of its mismatches.
 */
export function reconcile(
  ledger: PeriodDocument[],
  client: ClientDocument[],
  scope: { companyCode: string; period: string; region?: string },
  now = new Date(),
): ReconciliationReport {
  const items = Object.fromEntries(RECONCILIATION_CATEGORIES.map((c) => [c, [] as ReconciliationItem[]])) as ReconciliationReport['items'];
  const sums = Object.fromEntries(
    RECONCILIATION_CATEGORIES.map((c) => [c, { count: 0, la: new Decimal(0), lt: new Decimal(0), ca: new Decimal(0), ct: new Decimal(0) }]),
  ) as Record<ReconciliationCategory, { count: number; la: Decimal; lt: Decimal; ca: Decimal; ct: Decimal }>;
  const byKey = new Map(ledger.map((d) => [`${d.transactionType}\u001f${d.documentCode}`, d]));
  const seen = new Set<string>();
  let ignored = 0;

  const add = (category: ReconciliationCategory, doc: PeriodDocument | undefined, c: ClientDocument | undefined) => {
    const item: ReconciliationItem = { documentCode: (doc ?? c)!.documentCode, transactionType: (doc ?? c)!.transactionType };
    const s = sums[category];
    s.count++;
    if (doc) {
      item.ledger = { transactionDate: doc.transactionDate, totalAmount: Number(doc.totalAmount), totalTax: Number(doc.totalTax), state: doc.state };
      s.la = s.la.plus(doc.totalAmount);
      s.lt = s.lt.plus(doc.totalTax);
    }
    if (c) {
      item.client = { source: c.source, transactionDate: c.transactionDate, totalAmount: Number(c.totalAmount), totalTax: Number(c.totalTax) };
      s.ca = s.ca.plus(c.totalAmount);
      s.ct = s.ct.plus(c.totalTax);
    }
    if (doc && c) {
      item.difference = {
        totalAmount: new Decimal(c.totalAmount).minus(doc.totalAmount).toNumber(),
        totalTax: new Decimal(c.totalTax).minus(doc.totalTax).toNumber(),
      };
    }
    items[category].push(item);
  };

  for (const c of client) {
    const id = `${c.transactionType}\u001f${c.documentCode}`;
    const doc = byKey.get(id);
    if (!doc) {
      if (c.transactionDate.slice(0, 7) !== scope.period) ignored++;
      else add('missingInLedger', undefined, c);
      continue;
    }
    seen.add(id);
    const mismatches: ReconciliationCategory[] = [];
    if (!new Decimal(c.totalAmount).eq(doc.totalAmount)) mismatches.push('amountMismatch');
    if (!new Decimal(c.totalTax).eq(doc.totalTax)) mismatches.push('taxMismatch');
    if (c.transactionDate !== doc.transactionDate.slice(0, 10)) mismatches.push('dateMismatch');
    if (mismatches.length === 0) add('matched', doc, c);
    for (const m of mismatches) add(m, doc, c);
  }
  for (const doc of ledger) if (!seen.has(`${doc.transactionType}\u001f${doc.documentCode}`)) add('missingInClientBooks', doc, undefined);

  const summary = Object.fromEntries(
    RECONCILIATION_CATEGORIES.map((c) => {
      const s = sums[c];
      return [c, { count: s.count, ledgerTotalAmount: s.la.toNumber(), ledgerTotalTax: s.lt.toNumber(), clientTotalAmount: s.ca.toNumber(), clientTotalTax: s.ct.toNumber() }];
    }),
  ) as ReconciliationReport['summary'];
  return {
    report: 'reconciliation',
    companyCode: scope.companyCode,
    period: scope.period,
    ...(scope.region ? { region: scope.region } : {}),
    generatedAt: now.toISOString(),
    summary,
    ignoredOutsidePeriod: ignored,
    items,
  };
}
