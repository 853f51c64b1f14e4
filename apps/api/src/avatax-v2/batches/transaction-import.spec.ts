import { toV2Create } from '../create-transaction.model';
import { transactionBatchItems } from './batch-items';
import { importDate, transactionImportItems } from './transaction-import';

/**
 * Rows in the shape of AvaTax's TransactionImport template examples (help.avalara.com "Import
 * transactions template guidelines": ProcessCode in column A, one row per line, a DocCode's rows
 * contiguous; dates as yyyy-mm-dd or mm/dd/yyyy; DocType 1 sales invoice, 5 return invoice).
 */
const HEADER = 'ProcessCode,DocCode,DocType,DocDate,CompanyCode,CustomerCode,EntityUseCode,LineNo,TaxCode,TaxDate,ItemCode,Description,Qty,Amount,Discount,Ref1,Ref2,ExemptionNo,RevAcct,DestAddress,DestCity,DestRegion,DestPostalCode,DestCountry,OrigAddress,OrigCity,OrigRegion,OrigPostalCode,OrigCountry,LocationCode,SalesPersonCode,PurchaseOrderNo,CurrencyCode,ExchangeRate,ExchangeRateEffDate,PaymentDate,TaxIncluded,DestTaxRegion,OrigTaxRegion,Taxable,TaxType,TotalTax';
const DEST = '100 Ravine Lane NE,Bainbridge Island,WA,98110,US';
const ORIG = '255 S King St,Seattle,WA,98104,US';
const row = (pc: string, doc: string, type: string, date: string, line: string, amount: string, tail = '', dest = DEST, orig = ORIG) =>
  `${pc},${doc},${type},${date},DEFAULT,CUST-1,,${line},P0000000,,SKU-${line},Widget ${line},2,${amount},,r1,,,4000,${dest},${orig},,,,USD,,,,,,,,,${tail}`;
const file = (...rows: string[]) => [HEADER, ...rows].join('\r\n');

describe('TransactionImport CSV -> batch items', () => {
  it('one item per document: its lines, addresses per line (shipFrom Orig*, shipTo Dest*), committed, dates in either format; the model is what createTransaction takes', () => {
    const items = transactionImportItems(file(row('3', 'INV001', '1', '01/05/2017', '1', '100'), row('3', 'INV001', '1', '01/05/2017', '2', '50.25'), row('3', 'RET001', '5', '2017-01-06', '1', '-20')));
    expect(items.map((i) => [i.kind, i.rows, i.documentCode, i.documentType])).toEqual([
      ['create', [1, 2], 'INV001', 'SalesInvoice'],
      ['create', [3], 'RET001', 'ReturnInvoice'],
    ]);
    const model = (items[0] as { model: Record<string, any> }).model;
    expect(model).toMatchObject({ type: 'SalesInvoice', code: 'INV001', companyCode: 'DEFAULT', date: '2017-01-05', customerCode: 'CUST-1', currencyCode: 'USD', commit: true });
    expect(model.lines[1]).toMatchObject({
      number: '2',
      taxCode: 'P0000000',
      itemCode: 'SKU-2',
      quantity: 2,
      amount: 50.25,
      ref1: 'r1',
      revenueAccount: '4000',
      addresses: { shipFrom: { line1: '255 S King St', city: 'Seattle', region: 'WA', postalCode: '98104', country: 'US' }, shipTo: { city: 'Bainbridge Island', postalCode: '98110' } },
    });
    const create = toV2Create(model);
    expect(create).toMatchObject({ documentType: 'SalesInvoice', code: 'INV001', commit: true });
    expect(create.document.lines).toHaveLength(2);
  });

  it('ProcessCode 0 voids, 4 adjusts (reason Other, naming the import), 1 and 2 override the tax with TotalTax per line', () => {
    const items = transactionImportItems(
      file(row('0', 'INV001', '1', '2017-01-05', '1', ''), row('4', 'INV002', '1', '2017-01-05', '1', '80'), row('1', 'INV003', '1', '2017-01-05', '1', '100', '7.25')),
    );
    expect(items[0]).toMatchObject({ kind: 'void', model: { companyCode: 'DEFAULT', transactionCode: 'INV001', documentType: 'SalesInvoice', code: 'DocVoided' } });
    expect(items[1]).toMatchObject({ kind: 'adjust', model: { transactionCode: 'INV002', adjustmentReason: 'Other', adjustmentDescription: 'TransactionImport ProcessCode 4', newTransaction: { code: 'INV002' } } });
    expect(items[2]).toMatchObject({ kind: 'create', model: { lines: [{ taxOverride: { type: 'TaxAmount', taxAmount: 7.25 } }] } });
  });

  it('what the ledger does not run is the document\'s error, naming it; never skipped', () => {
    const items = transactionImportItems(
      file(
        row('5', 'A', '1', '2017-01-05', '1', '0'),
        row('7', 'B', '1', '2017-01-05', '1', '1'),
        row('3', 'C', '1', '2017-01-05', '1', '1'),
        row('4', 'C', '1', '2017-01-05', '2', '1'),
        row('3', 'D', '1', '2017-01-05', '1', '1'),
        row('3', 'E', '1', '2017-01-05', '1', '1'),
        row('3', 'D', '1', '2017-01-05', '2', '1'),
        row('3', 'F', 'X', '2017-01-05', '1', '1'),
        `3,G,1,2017-01-05,DEFAULT,CUST-1,,1,P0000000,,SKU,W,1,10,5${',,'.repeat(2)}`,
      ),
    );
    const errors = items.map((i) => (i.kind === 'invalid' ? i.errorCode : i.kind));
    expect(errors).toEqual(['UnsupportedProcessCode', 'InvalidProcessCode', 'InconsistentProcessCode', 'create', 'create', 'DocCodeNotContiguous', 'InvalidEnumValue', 'UnsupportedColumn']);
    expect(items[items.length - 1]).toMatchObject({ rows: [9], errorMessage: expect.stringContaining('Discount') });
  });

  it('a file that is not a TransactionImport is refused whole (400): no header columns, no rows, not CSV', () => {
    const code = (text: string) => {
      try {
        transactionImportItems(text);
        return 'accepted';
      } catch (error) {
        return (error as { code: string }).code;
      }
    };
    expect(code('')).toBe('InvalidBatchFile');
    expect(code('DocCode,Amount\nA,1')).toBe('InvalidBatchFile');
    expect(code(HEADER)).toBe('InvalidBatchFile');
    expect(code(`${HEADER}\n3,"unterminated`)).toBe('InvalidBatchFile');
    expect(code(`${HEADER}\n${Array.from({ length: 100_001 }, () => '3,A,1').join('\n')}`)).toBe('BatchSizeExceeded');
  });

  it('dates: mm/dd/yyyy becomes yyyy-mm-dd; others are left for createTransaction to judge', () => {
    expect(importDate('1/5/2017')).toBe('2017-01-05');
    expect(importDate('2017-01-05')).toBe('2017-01-05');
    expect(importDate('')).toBeUndefined();
    expect(importDate('5.1.2017')).toBe('5.1.2017');
  });
});

describe('createTransactionBatch items', () => {
  it('each item holds exactly one model; none or two is the item\'s error', () => {
    const items = transactionBatchItems([
      { createTransactionModel: { code: 'A', type: 'SalesInvoice' } },
      { voidTransactionModel: { transactionCode: 'A', documentType: 'SalesInvoice' } },
      { memo: 'x' },
      { createTransactionModel: {}, voidTransactionModel: {} },
      { adjustTransactionModel: 'no' },
    ]);
    expect(items.map((i) => [i.kind, i.rows, i.documentCode])).toEqual([
      ['create', [1], 'A'],
      ['void', [2], 'A'],
      ['invalid', [3], undefined],
      ['invalid', [4], undefined],
      ['invalid', [5], undefined],
    ]);
    expect(() => transactionBatchItems([])).toThrow('non-empty');
    expect(() => transactionBatchItems(new Array(100_001).fill({}))).toThrow('at most 100000');
  });
});
