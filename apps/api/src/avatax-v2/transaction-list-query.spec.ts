import { transactionListQuery } from './transaction-list-query';

const where = (filter: string) => transactionListQuery('C1', { $filter: filter }, { skip: 0, top: 10 }).where;

describe('v2 $filter / $orderBy as a read-store query', () => {
  it('between becomes ge and le; fields and enum values in any case come out canonical', () => {
    expect(where("DATE between 2024-01-01 and '2024-01-31T10:00:00' and Status eq 'saved' and type ne returninvoice")).toEqual([
      { field: 'date', op: 'ge', value: '2024-01-01' },
      { field: 'date', op: 'le', value: '2024-01-31' },
      { field: 'status', op: 'eq', value: 'Saved' },
      { field: 'type', op: 'ne', value: 'ReturnInvoice' },
    ]);
  });

  it('codes compare exactly; currency codes upper-cased; numbers stay numbers, a numeric code becomes text', () => {
    expect(where("code eq 'inv-1' and customerCode eq 123 and currencyCode eq usd and totalTax gt 1.5")).toEqual([
      { field: 'code', op: 'eq', value: 'inv-1' },
      { field: 'customerCode', op: 'eq', value: '123' },
      { field: 'currencyCode', op: 'eq', value: 'USD' },
      { field: 'totalTax', op: 'gt', value: 1.5 },
    ]);
  });

  it('a date alone on modifiedDate is that UTC day', () => {
    expect(where('modifiedDate eq 2024-02-28')).toEqual([
      { field: 'modifiedDate', op: 'ge', value: '2024-02-28' },
      { field: 'modifiedDate', op: 'lt', value: '2024-02-29' },
    ]);
    expect(where('modifiedDate gt 2024-12-31')).toEqual([{ field: 'modifiedDate', op: 'ge', value: '2025-01-01' }]);
    expect(where('modifiedDate le 2024-02-29')).toEqual([{ field: 'modifiedDate', op: 'lt', value: '2024-03-01' }]);
    expect(where('modifiedDate lt 2024-02-29')).toEqual([{ field: 'modifiedDate', op: 'lt', value: '2024-02-29' }]);
    expect(where("modifiedDate ge '2024-02-29T10:00:00Z'")).toEqual([{ field: 'modifiedDate', op: 'ge', value: '2024-02-29T10:00:00Z' }]);
    expect(() => where('modifiedDate ne 2024-02-29')).toThrow(expect.objectContaining({ code: 'MalformedFilterException' }));
  });

  it.each(['date eq soon', 'locked eq 1', 'version gt two', 'id eq abc', 'taxDate lt true', 'code eq', 'nope eq 1', 'code eq a or code eq b'])(
    '%s is MalformedFilterException',
    (filter) => {
      expect(() => where(filter)).toThrow(expect.objectContaining({ code: 'MalformedFilterException' }));
    },
  );

  it('$orderBy keys in order, canonical; $skip, $top and warnings pass through', () => {
    expect(transactionListQuery('C1', { $orderBy: 'Date desc, totalamount' }, { skip: 5, top: 20, warnings: true })).toEqual({
      companyCode: 'C1',
      where: [],
      orderBy: [
        { field: 'date', descending: true },
        { field: 'totalAmount', descending: false },
      ],
      skip: 5,
      top: 20,
      warnings: true,
    });
    expect(() => transactionListQuery('C1', { $orderBy: 'colour' }, { skip: 0, top: 1 })).toThrow(expect.objectContaining({ code: 'InvalidParameterValue' }));
  });
});
