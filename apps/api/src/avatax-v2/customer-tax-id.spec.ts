import type { CustomerView } from '@tax-ledger/customers';
import type { TaxDocument } from '@tax-ledger/tax-engine';
import { withCustomerTaxId } from './customer-tax-id';

const doc = (transactionType: 'Sale' | 'Purchase', header: Record<string, string> = {}, line: Record<string, string> | undefined = undefined): TaxDocument => ({
  header: { companyCode: 'C', transactionType, documentCode: 'D', customerCode: 'X', transactionDate: '2024-01-01', metadata: header },
  lines: [{ lineCode: '1', itemCode: 'I', itemDescription: 'Item', extendedAmount: 1, ...(line ? { metadata: line } : {}) }],
});
const customer = (taxpayerIdNumber?: string) => ({ customerCode: 'X', ...(taxpayerIdNumber !== undefined ? { taxpayerIdNumber } : {}) }) as CustomerView;

describe('withCustomerTaxId', () => {
  it('fills a sale without a buyer tax id from the customer record, saying so', () => {
    expect(withCustomerTaxId(doc('Sale'), customer('FR1')).header.metadata).toEqual({ businessIdentificationNo: 'FR1', businessIdentificationNoSource: 'customer' });
  });

  it('leaves the document alone when it carries an id (header or line, either key), for purchases, and without a record or id', () => {
    for (const d of [doc('Sale', { businessIdentificationNo: 'DE1' }), doc('Sale', { buyerTaxId: 'DE1' }), doc('Sale', {}, { businessIdentificationNo: 'DE1' }), doc('Purchase')]) {
      expect(withCustomerTaxId(d, customer('FR1'))).toBe(d);
    }
    const sale = doc('Sale');
    expect(withCustomerTaxId(sale, null)).toBe(sale);
    expect(withCustomerTaxId(sale, customer(' '))).toBe(sale);
    expect(withCustomerTaxId(sale, customer())).toBe(sale);
  });
});
