/**
 * Documents for the filing-period and report suites: sales shipped from Olympia, WA (no local content: state rates only, so the hand computations stay short) to a few states, and a
 * return recorded the way the AvaTax refund path records one (a ReturnInvoice: negative amounts).
 */
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@tax-ledger/platform';
import { type TransactionKey, transactionStreamName } from '@tax-ledger/transactions';
import { calculateTax, loadDefaultContent, type TaxDocument } from '@tax-ledger/tax-engine';
import { newVersionId } from '../../apps/api/src/document-write/record-document-version';
import { TaxTransactionRepository } from '../../apps/api/src/document-write/tax-transaction.repository';
import type { Account, TestApp } from './test-app';

export const ADDRESSES = {
  WA: { line1: '1111 Capitol Way S', city: 'Olympia', state: 'WA', zipcode: '98501', country: 'USA' },
  CA: { line1: '1 Market St', city: 'San Francisco', state: 'CA', zipcode: '94105', country: 'USA' },
  NY: { line1: '350 5th Ave', city: 'New York', state: 'NY', zipcode: '10118', country: 'USA' },
  TX: { line1: '1100 Congress Ave', city: 'Austin', state: 'TX', zipcode: '78701', country: 'USA' },
} as const;
export type TestState = keyof typeof ADDRESSES;

export interface SaleOptions {
  code: string;
  date: string;
  to: TestState;
  amounts: number[];
  companyCode?: string;
  entityUseType?: string;
  /** Line override on the first line. */
  taxOverrideAmount?: number;
}

export function sale(o: SaleOptions): TaxDocument {
  return {
    header: {
      companyCode: o.companyCode ?? 'A1 Boats',
      transactionType: 'Sale',
      documentCode: o.code,
      customerCode: 'CUST-1',
      transactionDate: o.date,
      defaultLocations: { shipFrom: { address: { ...ADDRESSES.WA } }, shipTo: { address: { ...ADDRESSES[o.to] } } },
      ...(o.entityUseType ? { defaultEntityUseType: o.entityUseType as TaxDocument['header']['defaultEntityUseType'] } : {}),
    },
    lines: o.amounts.map((amount, i) => ({
      lineCode: String(i + 1),
      itemCode: `SKU-${i + 1}`,
      extendedAmount: amount,
      itemDescription: `Item ${i + 1}`,
      ...(i === 0 && o.taxOverrideAmount !== undefined ? { taxOverrideAmount: o.taxOverrideAmount } : {}),
    })),
  };
}

/** Records a sale for the account's own company unless another one is named. */
export async function postSale(t: TestApp, a: Account, o: SaleOptions) {
  const res = await t.http.post('/transactions').set(a.headers).send(sale({ companyCode: a.companyCode, ...o }) as object);
  if (res.status !== 201 && res.status !== 200) throw new Error(`record ${o.code}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function transition(t: TestApp, a: Account, code: string, type: string) {
  const res = await t.http
    .post(`/transactions/${encodeURIComponent(a.companyCode)}/Sale/${encodeURIComponent(code)}/stateTransitions`)
    .set(a.headers)
    .send({ type });
  if (res.status !== 201) throw new Error(`${type} ${code}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * A return as AvaTax's refund records it (ReturnInvoice, negative amounts), written through the same
 * repository as every document; TNG itself takes positive amounts only.
 */
export async function recordReturn(t: TestApp, a: Account, o: SaleOptions) {
  const key: TransactionKey = { accountId: a.accountId, companyCode: a.companyCode, transactionType: 'Sale', documentCode: o.code };
  const document = sale({ ...o, amounts: o.amounts.map((x) => -x), companyCode: a.companyCode });
  const calculation = calculateTax(document, { companyCode: a.companyCode, defaultCurrency: 'USD' }, loadDefaultContent());
  const metadata = {
    schemaVersion: 1,
    actor: `credential:${a.credentialId}`,
    credentialId: a.credentialId,
    requestId: `return-${o.code}`,
    correlationId: `return-${o.code}`,
    causationId: `return-${o.code}`,
    userAgent: 'jest',
    occurredAt: new Date().toISOString(),
  };
  const repository = t.app.get(TaxTransactionRepository);
  const { view } = await repository.handle(key, metadata, () => ({
    type: 'RecordTransaction',
    data: { key, intent: 'createOrRevise', calculation, versionId: newVersionId(), calculationDuration: 0 },
  }));
  return view;
}

export async function documentEvents(t: TestApp, a: Account, code: string): Promise<RecordedEvent[]> {
  const store = t.app.get<symbol, EventStore>(EVENT_STORE);
  return store.readStream(transactionStreamName({ accountId: a.accountId, companyCode: a.companyCode, transactionType: 'Sale', documentCode: code }));
}
