import type { CalculationResult } from '@tax-ledger/tax-engine';
import { type CalculationKey, calculationStreamName, type TaxCalculationEvent } from './tax-calculation.events';
import { decideCalculation, foldCalculation, type TaxCalculationCommand } from './tax-calculation.decider';
import { transactionStreamName } from '@tax-ledger/transactions';

const key: CalculationKey = { accountId: 'acc-1', companyCode: 'A1 Boats', transactionType: 'Sale', documentCode: 'Quote/7' };

const result = (amount: number): CalculationResult => ({
  contentVersion: 'content-v1',
  taxDate: '2014-06-11',
  document: {
    header: { companyCode: key.companyCode, transactionType: 'Sale', documentCode: key.documentCode, transactionDate: '2014-06-11', currency: 'USD' },
    lines: [{ lineCode: '1', itemCode: 'X', itemDescription: 'Boat', extendedAmount: amount, calculatedTax: { appliedTax: 0, subtotalTaxable: amount, subtotalExempt: 0, taxAuthorities: [] } }],
    calculatedTaxSummary: { numberOfTaxableLines: 1, numberOfExemptLines: 0, numberOfLines: 1, subtotal: amount, subtotalTaxable: amount, subtotalExempt: 0, tax: 0, grandTotal: amount },
  },
});

const record = (versionId: string, amount = 10): TaxCalculationCommand => ({
  type: 'RecordCalculation',
  data: { key, calculation: result(amount), versionId, calculationDuration: 0.001 },
});

describe('TaxCalculation decider', () => {
  it('given no calculation, when recorded, then CalculationRecorded version 1 with the result and the content version', () => {
    const [e] = decideCalculation(record('v1', 32.5), foldCalculation([]));
    expect(e.type).toBe('CalculationRecorded');
    expect(e.data).toMatchObject({ ...key, version: 1, versionId: 'v1', contentVersion: 'content-v1', taxDate: '2014-06-11' });
    expect(e.data.document.calculatedTaxSummary.subtotal).toBe(32.5);
  });

  it('given a calculation, each further POST is the next version (CalculationRevised) with the full new document', () => {
    const events: TaxCalculationEvent[] = [];
    for (const [i, amount] of [10, 20, 30].entries()) {
      const [e] = decideCalculation(record(`v${i + 1}`, amount), foldCalculation(events));
      events.push(e);
    }
    expect(events.map((e) => [e.type, e.data.version, e.data.document.lines[0].extendedAmount])).toEqual([
      ['CalculationRecorded', 1, 10],
      ['CalculationRevised', 2, 20],
      ['CalculationRevised', 3, 30],
    ]);
    expect(foldCalculation(events)).toEqual({ exists: true, version: 3, versionId: 'v3' });
  });

  it('lives in its own stream category, apart from the transaction with the same key', () => {
    expect(calculationStreamName(key)).toBe('TaxCalculation-acc-1/A1%20Boats/Sale/Quote%2F7');
    expect(calculationStreamName(key)).not.toBe(transactionStreamName(key));
  });
});
