import { parse } from 'csv-parse/sync';
import { DOCUMENT_TYPES, v2Error } from '../avatax-codes';
import { type BatchItem, MAX_BATCH_ROWS } from './batch-items';

/**
 * AvaTax's TransactionImport template (help.avalara.com "Import transactions template guidelines",
 * developer.avalara.com/avatax/batch-file-reference): a CSV with a header row, one row per document
 * line, the lines of one document (DocCode within its DocType and company) contiguous. Each document
 * becomes one CreateTransactionModel-shaped item that runs through the ordinary v2 write path.
 */

/** ProcessCode -> what the ledger does with the document. */
const PROCESS_CODES: Record<string, { kind: 'create' | 'adjust' | 'void'; taxOverride?: boolean; what: string }> = {
  '0': { kind: 'void', what: 'void transaction' },
  '1': { kind: 'create', taxOverride: true, what: 'tax override, new transaction' },
  '2': { kind: 'adjust', taxOverride: true, what: 'tax override, adjusted transaction' },
  '3': { kind: 'create', what: 'new transaction' },
  '4': { kind: 'adjust', what: 'adjust existing transaction' },
};
/** Process codes of the template the ledger does not run, with what they mean (named in the row's error). */
const UNSUPPORTED_PROCESS_CODES: Record<string, string> = {
  '5': 'accrued consumer use tax override (new transaction)',
  '6': 'accrued consumer use tax override (adjusted transaction)',
  '9': 'out of harbor tax override (new transaction)',
  '10': 'out of harbor tax override (adjusted transaction)',
};

/** A single DocCode may have at most this many lines (AvaTax's limit). */
export const MAX_LINES_PER_DOCUMENT = 15_000;
const REQUIRED_COLUMNS = ['ProcessCode', 'DocCode', 'DocType'];

/**
 * The template's columns the ledger reads (by name, any case). Columns of the template not listed here
 * (tax detail columns such as StateTax, Discount, ExchangeRate, TaxType, …) are refused on the row that
 * fills them (UnsupportedColumn), never dropped: they would change what is charged.
 */
const COLUMNS = [
  'ProcessCode', 'DocCode', 'DocType', 'DocDate', 'CompanyCode', 'CustomerCode', 'EntityUseCode', 'LineNo', 'TaxCode', 'TaxDate',
  'ItemCode', 'Description', 'Qty', 'Amount', 'Ref1', 'Ref2', 'ExemptionNo', 'RevAcct',
  'DestAddress', 'DestCity', 'DestRegion', 'DestPostalCode', 'DestCountry', 'OrigAddress', 'OrigCity', 'OrigRegion', 'OrigPostalCode', 'OrigCountry',
  'LocationCode', 'SalesPersonCode', 'PurchaseOrderNo', 'CurrencyCode', 'PaymentDate', 'TaxIncluded', 'TotalTax', 'ReferenceCode', 'BuyersVATNo',
] as const;
type Column = (typeof COLUMNS)[number];
type Row = Partial<Record<Column, string>> & { unsupported: string[]; row: number };

/** The data rows of a TransactionImport file (400 for a file that is not one: no header, missing columns, too many rows). */
export function parseTransactionImport(text: string): Row[] {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][];
  } catch (error) {
    throw v2Error(400, 'InvalidBatchFile', `The file is not valid CSV: ${(error as Error).message}`, 'files[0].content');
  }
  if (records.length === 0) throw v2Error(400, 'InvalidBatchFile', 'The file is empty; a TransactionImport file starts with its header row.', 'files[0].content');
  const [header, ...data] = records;
  const names = header.map((h) => COLUMNS.find((c) => c.toLowerCase() === h.toLowerCase()) ?? h);
  const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length) throw v2Error(400, 'InvalidBatchFile', `The header row lacks the column(s) ${missing.join(', ')} of the TransactionImport template.`, 'files[0].content');
  if (data.length === 0) throw v2Error(400, 'InvalidBatchFile', 'The file has a header row and no data rows.', 'files[0].content');
  if (data.length > MAX_BATCH_ROWS) throw v2Error(400, 'BatchSizeExceeded', `A batch file holds at most ${MAX_BATCH_ROWS} lines; this one has ${data.length}. Split it.`, 'files[0].content');
  return data.map((values, i) => {
    const row: Row = { unsupported: [], row: i + 1 };
    names.forEach((name, c) => {
      const value = values[c] ?? '';
      if ((COLUMNS as readonly string[]).includes(name)) row[name as Column] = value;
      else if (value !== '') row.unsupported.push(name);
    });
    return row;
  });
}

/** The items of a TransactionImport file: one per contiguous run of rows of one document. */
export function transactionImportItems(text: string): BatchItem[] {
  const rows = parseTransactionImport(text);
  const groups: Row[][] = [];
  for (const row of rows) {
    const last = groups[groups.length - 1];
    if (last && documentKey(last[0]) === documentKey(row)) last.push(row);
    else groups.push([row]);
  }
  // A document's lines are one run; a later run of the same document is another operation on it
  // (adjust, void) only when its process code differs, else the file split the document (DocCodeNotContiguous).
  const seen = new Set<string>();
  return groups.map((group) => {
    const key = `${documentKey(group[0])}\u0000${group[0].ProcessCode ?? ''}`;
    const item = toItem(group, seen.has(key));
    seen.add(key);
    return item;
  });
}

const documentKey = (row: Row) => `${row.CompanyCode ?? ''}\u0000${row.DocType ?? ''}\u0000${row.DocCode ?? ''}`;

function toItem(group: Row[], repeated: boolean): BatchItem {
  const first = group[0];
  const rows = group.map((r) => r.row);
  const docType = DOCUMENT_TYPES[Number(first.DocType)] as string | undefined;
  const ids = { rows, ...(first.DocCode ? { documentCode: first.DocCode } : {}), ...(docType ? { documentType: docType } : {}) };
  const invalid = (errorCode: string, errorMessage: string): BatchItem => ({ ...ids, kind: 'invalid', errorCode, errorMessage });
  if (!first.DocCode) return invalid('ValueRequiredError', 'DocCode is required on every row.');
  if (repeated) return invalid('DocCodeNotContiguous', `The lines of DocCode "${first.DocCode}" must be contiguous; it appeared earlier in the file.`);
  const codes = new Set(group.map((r) => r.ProcessCode ?? ''));
  if (codes.size > 1) return invalid('InconsistentProcessCode', `The lines of DocCode "${first.DocCode}" have different process codes (${[...codes].join(', ')}); a document takes one.`);
  const code = first.ProcessCode ?? '';
  const process = PROCESS_CODES[code];
  if (!process) {
    if (UNSUPPORTED_PROCESS_CODES[code]) return invalid('UnsupportedProcessCode', `ProcessCode ${code} (${UNSUPPORTED_PROCESS_CODES[code]}) is not supported by tax-ledger; it runs 0 (void), 1 and 2 (tax override), 3 (new) and 4 (adjust).`);
    return invalid('InvalidProcessCode', `ProcessCode "${code}" is not one of the template's codes (0, 1, 2, 3, 4, 5, 6, 9, 10).`);
  }
  if (!/^\d+$/.test(first.DocType ?? '') || !docType) return invalid('InvalidEnumValue', `DocType "${first.DocType ?? ''}" is not a document type number (1 sales invoice, 3 purchase invoice, 5 return invoice, …).`);
  const unsupported = [...new Set(group.flatMap((r) => r.unsupported))];
  if (unsupported.length) return invalid('UnsupportedColumn', `Column(s) ${unsupported.join(', ')} are not supported by tax-ledger's TransactionImport; leave them empty.`);
  if (group.length > MAX_LINES_PER_DOCUMENT) return invalid('TooManyLines', `DocCode "${first.DocCode}" has ${group.length} lines; at most ${MAX_LINES_PER_DOCUMENT}.`);
  const companyCode = first.CompanyCode || undefined;
  if (process.kind === 'void') {
    return { ...ids, kind: 'void', model: { companyCode, transactionCode: first.DocCode, documentType: docType, code: 'DocVoided' } };
  }
  const transaction = toTransaction(group, docType, companyCode, process.taxOverride === true, code);
  if (process.kind === 'create') return { ...ids, kind: 'create', model: transaction };
  return {
    ...ids,
    kind: 'adjust',
    model: { companyCode, transactionCode: first.DocCode, documentType: docType, adjustmentReason: 'Other', adjustmentDescription: `TransactionImport ProcessCode ${code}`, newTransaction: transaction },
  };
}

const given = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);
const numeric = (value: string | undefined) => (given(value) === undefined ? undefined : /^-?\d+(\.\d+)?$/.test(value!) ? Number(value) : value);

/** yyyy-mm-dd as given; mm/dd/yyyy (the template's other format) turned into yyyy-mm-dd. */
export function importDate(value: string | undefined): string | undefined {
  const v = given(value);
  const us = v?.match(/^(\d{1,2})\/(\d{1,2})\/(\d{4})$/);
  return us ? `${us[3]}-${us[1].padStart(2, '0')}-${us[2].padStart(2, '0')}` : v;
}

function address(row: Row, prefix: 'Dest' | 'Orig') {
  const a = {
    line1: given(row[`${prefix}Address`]),
    city: given(row[`${prefix}City`]),
    region: given(row[`${prefix}Region`]),
    postalCode: given(row[`${prefix}PostalCode`]),
    country: given(row[`${prefix}Country`]),
  };
  return Object.values(a).some((v) => v !== undefined) ? a : undefined;
}

function lineAddresses(row: Row) {
  const shipTo = address(row, 'Dest');
  const shipFrom = address(row, 'Orig');
  if (shipTo && shipFrom) return { shipFrom, shipTo };
  const single = shipTo ?? shipFrom;
  return single ? { singleLocation: single } : undefined;
}

const yes = (value: string | undefined) => ['1', 'true', 'y', 'yes'].includes((value ?? '').toLowerCase());

function toTransaction(group: Row[], type: string, companyCode: string | undefined, taxOverride: boolean, processCode: string) {
  const first = group[0];
  const date = importDate(first.DocDate);
  const taxDate = importDate(first.TaxDate);
  return {
    type,
    code: first.DocCode,
    companyCode,
    date,
    customerCode: given(first.CustomerCode),
    entityUseCode: given(first.EntityUseCode),
    currencyCode: given(first.CurrencyCode),
    purchaseOrderNo: given(first.PurchaseOrderNo),
    referenceCode: given(first.ReferenceCode),
    salespersonCode: given(first.SalesPersonCode),
    reportingLocationCode: given(first.LocationCode),
    businessIdentificationNo: given(first.BuyersVATNo),
    exemptionNo: given(first.ExemptionNo),
    // Imported documents are final: committed, as AvaTax's import records them.
    commit: true,
    ...(taxDate && taxDate !== date ? { taxOverride: { type: 'TaxDate', taxDate, reason: 'TransactionImport TaxDate' } } : {}),
    lines: group.map((r) => ({
      number: given(r.LineNo),
      taxCode: given(r.TaxCode),
      itemCode: given(r.ItemCode),
      description: given(r.Description),
      quantity: numeric(r.Qty),
      amount: numeric(r.Amount),
      ref1: given(r.Ref1),
      ref2: given(r.Ref2),
      revenueAccount: given(r.RevAcct),
      exemptionCode: given(r.ExemptionNo),
      entityUseCode: given(r.EntityUseCode),
      ...(given(r.TaxIncluded) !== undefined ? { taxIncluded: yes(r.TaxIncluded) } : {}),
      addresses: lineAddresses(r),
      ...(taxOverride ? { taxOverride: { type: 'TaxAmount', taxAmount: numeric(r.TotalTax) ?? 0, reason: `TransactionImport ProcessCode ${processCode}` } } : {}),
    })),
  };
}
