import { TRANSACTION_STATES } from '@tax-ledger/ledger';
import { decodeAvataxCode, DOCUMENT_TYPES, encodeAvataxCode, enumValue } from './avatax-codes';
import { toV2Create } from './create-transaction.model';
import { parseFilter, parseOrderBy } from './transaction-filter';
import { INCLUDE_ALL, INCLUDE_NONE, parseInclude, v2Status } from './transaction.presenter';

describe('v2 status is a view of the ledger (docs/avatax-v2.md "Status")', () => {
  it.each([
    [{ state: 'Recorded', committed: false }, { status: 'Saved', reconciled: false, locked: false }],
    [{ state: 'Recorded', committed: false, verified: true }, { status: 'Posted', reconciled: false, locked: false }],
    [{ state: 'Recorded' }, { status: 'Committed', reconciled: false, locked: false }],
    [{ state: 'Recorded', committed: true, verified: true }, { status: 'Committed', reconciled: false, locked: false }],
    [{ state: 'Reconciled' }, { status: 'Committed', reconciled: true, locked: false }],
    [{ state: 'Filed' }, { status: 'Committed', reconciled: true, locked: true }],
    [{ state: 'FiledByAvalara' }, { status: 'Committed', reconciled: true, locked: true }],
    [{ state: 'Voided' }, { status: 'Cancelled', reconciled: false, locked: false }],
    [{ state: 'Voided', committed: false }, { status: 'Cancelled', reconciled: false, locked: false }],
  ] as const)('%j -> %j', (view, expected) => {
    expect(v2Status(view)).toEqual(expected);
  });

  it('every ledger state has a v2 status', () => {
    for (const state of TRANSACTION_STATES) expect(['Saved', 'Posted', 'Committed', 'Cancelled']).toContain(v2Status({ state }).status);
  });
});

describe('AvaTax URL escapes', () => {
  it('decode every documented escape, and round-trip', () => {
    expect(decodeAvataxCode('a_-ava2f-_b_-ava2b-_c_-ava3f-_d_-ava25-_e_-ava23-_f')).toBe('a/b+c?d%e#f');
    expect(decodeAvataxCode('A_-AVA2F-_B')).toBe('A/B');
    const code = 'INV/1 +?%#';
    expect(decodeAvataxCode(decodeURIComponent(encodeAvataxCode(code)))).toBe(code);
  });
});

describe('enums as names or the SDK\'s ordinals', () => {
  it('accepts SalesInvoice, salesinvoice and 1; refuses others with InvalidEnumValue', () => {
    expect(enumValue(DOCUMENT_TYPES, 'salesinvoice', 'type')).toBe('SalesInvoice');
    expect(enumValue(DOCUMENT_TYPES, 1, 'type')).toBe('SalesInvoice');
    expect(enumValue(DOCUMENT_TYPES, undefined, 'type', 'SalesOrder')).toBe('SalesOrder');
    expect(() => enumValue(DOCUMENT_TYPES, 'Invoice', 'type')).toThrow(expect.objectContaining({ code: 'InvalidEnumValue', status: 400 }));
  });
});

describe('$filter, $orderBy, $include', () => {
  const rows = [
    { code: 'A', status: 'Committed', type: 'SalesInvoice', locked: false, date: '2024-01-05', totalTax: 3 },
    { code: 'B', status: 'Saved', type: 'SalesInvoice', locked: false, date: '2024-02-05', totalTax: 1 },
    { code: 'C', status: 'Committed', type: 'ReturnInvoice', locked: true, date: '2024-03-05', totalTax: -2 },
  ];
  const F = ['code', 'status', 'type', 'locked', 'date', 'totalTax'];
  const codes = (filter: string) => rows.filter(parseFilter(filter, F)).map((r) => r.code);

  it('status eq, type eq, locked eq, date between, numbers and and', () => {
    expect(codes("status eq 'Committed'")).toEqual(['A', 'C']);
    expect(codes('type eq ReturnInvoice')).toEqual(['C']);
    expect(codes('locked eq true')).toEqual(['C']);
    expect(codes("date between '2024-01-01' and '2024-02-29'")).toEqual(['A', 'B']);
    expect(codes('Status eq committed and totalTax gt 0')).toEqual(['A']);
    expect(codes('date ge 2024-02-05T00:00:00')).toEqual(['B', 'C']);
  });

  it('malformed filters are MalformedFilterException', () => {
    for (const bad of ['status', 'status like x', 'colour eq red', 'status eq Saved or type eq X', "code eq 'open", 'date between 1 2', 'status eq Saved and']) {
      expect(() => parseFilter(bad, F)).toThrow(expect.objectContaining({ code: 'MalformedFilterException' }));
    }
  });

  it('$orderBy sorts by several keys, desc', () => {
    const sorted = [...rows].sort(parseOrderBy('status asc, code desc', F)!);
    expect(sorted.map((r) => r.code)).toEqual(['C', 'A', 'B']);
    expect(() => parseOrderBy('code sideways', F)).toThrow(expect.objectContaining({ code: 'InvalidParameterValue' }));
  });

  it('$include: Details implies Lines, Summary implies Details, SummaryOnly omits lines', () => {
    expect(parseInclude(undefined, INCLUDE_ALL)).toEqual(INCLUDE_ALL);
    expect(parseInclude('Details', INCLUDE_NONE)).toEqual({ lines: true, details: true, summary: false, addresses: false });
    expect(parseInclude('Summary', INCLUDE_NONE)).toEqual({ lines: true, details: true, summary: true, addresses: false });
    expect(parseInclude('SummaryOnly,Addresses', INCLUDE_ALL)).toEqual({ lines: false, details: false, summary: true, addresses: true });
  });
});

describe('CreateTransactionModel -> TNG TaxDocument', () => {
  const base = { type: 'ReturnInvoice', companyCode: 'C1', date: '2024-03-15T00:00:00', customerCode: 'K', lines: [{ amount: -100, quantity: -2, itemCode: 'X', taxOverride: { type: 'TaxAmount', taxAmount: -6 } }] };

  it('returns travel as positive amounts with metadata.documentType; singleLocation is ship-from and ship-to', () => {
    const v2 = toV2Create({ ...base, addresses: { singleLocation: { line1: '1 Main', city: 'Spokane', region: 'WA', postalCode: '99201', country: 'US' } } });
    expect(v2).toMatchObject({ documentType: 'ReturnInvoice', transactionType: 'Sale', commit: false, companyCode: 'C1' });
    expect(v2.code).toMatch(/^[0-9a-f-]{36}$/); // generated when blank
    expect(v2.document.header).toMatchObject({ transactionDate: '2024-03-15', metadata: { documentType: 'ReturnInvoice' } });
    expect(v2.document.header.defaultLocations).toEqual({
      shipFrom: { address: { line1: '1 Main', city: 'Spokane', state: 'WA', zipcode: '99201', country: 'US' } },
      shipTo: { address: { line1: '1 Main', city: 'Spokane', state: 'WA', zipcode: '99201', country: 'US' } },
    });
    expect(v2.document.lines[0]).toMatchObject({ lineCode: '1', extendedAmount: 100, quantity: 2, taxOverrideAmount: 6 });
  });

  it('entity use codes, exemption numbers and buyer tax ids reach the engine', () => {
    const v2 = toV2Create({ ...base, type: 'SalesInvoice', entityUseCode: 'e', exemptionNo: 'EX-1', businessIdentificationNo: 'DE123', addresses: { singleLocation: { line1: '1 Main', city: 'Spokane', region: 'WA', postalCode: '99201', country: 'US' } }, lines: [{ amount: 5, exemptionCode: 'EX-2', entityUseCode: 'A' }] });
    expect(v2.document.header).toMatchObject({ defaultEntityUseType: 'E', defaultTaxPayerCode: 'EX-1', metadata: { businessIdentificationNo: 'DE123' } });
    expect(v2.document.lines[0]).toMatchObject({ taxPayerCode: 'EX-2', entityUseType: 'A', extendedAmount: 5 });
  });

  it('refuses what it cannot mean, with AvaTax codes', () => {
    expect(() => toV2Create({ ...base, customerCode: '' })).toThrow(expect.objectContaining({ code: 'ValueRequiredError', target: 'customerCode' }));
    expect(() => toV2Create({ ...base, lines: [] })).toThrow(expect.objectContaining({ code: 'MissingLine' }));
    expect(() => toV2Create({ ...base, date: '15/03/2024' })).toThrow(expect.objectContaining({ code: 'DateFormatError' }));
    expect(() => toV2Create({ ...base, lines: [{ amount: 'ten' }] })).toThrow(expect.objectContaining({ code: 'InvalidParameterValue', target: 'lines[0].amount' }));
    expect(() => toV2Create({ ...base, addresses: { moon: { city: 'x' } } })).toThrow(expect.objectContaining({ target: 'addresses.moon' }));
    expect(() => toV2Create({ ...base, entityUseCode: 'ZZ' })).toThrow(expect.objectContaining({ target: 'entityUseCode' }));
    expect(() => toV2Create(null)).toThrow(expect.objectContaining({ code: 'ModelRequiredException' }));
    expect(() => toV2Create(base)).toThrow(expect.objectContaining({ code: 'MissingAddress', target: 'addresses' }));
    expect(() => toV2Create({ ...base, date: '2024-02-30' })).toThrow(expect.objectContaining({ code: 'DateFormatError', target: 'date' }));
  });
});
