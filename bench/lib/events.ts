/* Realistic event payloads (TransactionRecorded data built with calculateTax, TNG metadata). */
import { transactionStreamName } from '@tax-ledger/transactions';
import { calculateTax, loadDefaultContent } from '@tax-ledger/tax-engine';
import { benchDocument, COMPANY_CODE } from './documents';

export const BENCH_ACCOUNT_ID = '5f0c6a52-4c1e-4a47-9d2b-3b9c1f7d2e10';
export const BENCH_CREDENTIAL_ID = '0b7d3c9e-8a61-4f0f-a9f5-52f1c1f4d8a3';

/** The data of a TransactionRecorded event for a seed-like 3-line document (as the API would store it). */
export function versionData(variant: number, documentCode: string, version: number, transactionDate = '2025-06-11') {
  const document = benchDocument(variant, { documentCode, transactionDate });
  const calculation = calculateTax(document, { companyCode: COMPANY_CODE, defaultCurrency: 'USD' }, loadDefaultContent());
  return {
    accountId: BENCH_ACCOUNT_ID,
    companyCode: COMPANY_CODE,
    transactionType: 'Sale' as const,
    documentCode,
    version,
    versionId: `${variant.toString(16).padStart(8, '0')}${'0'.repeat(16)}${version.toString(16).padStart(8, '0')}`,
    document: calculation.document,
    contentVersion: calculation.contentVersion,
    taxDate: calculation.taxDate,
    calculationDuration: 0.000123,
  };
}

/** Event metadata as eventMetadata() writes it for a TNG request. */
export function benchMetadata(requestId: string, occurredAt = '2025-06-11T10:00:00.000Z') {
  return {
    schemaVersion: 1,
    actor: `credential:${BENCH_CREDENTIAL_ID}`,
    credentialId: BENCH_CREDENTIAL_ID,
    requestId,
    correlationId: requestId,
    causationId: requestId,
    userAgent: 'tax-ledger bench',
    occurredAt,
  };
}

export const benchStreamName = (documentCode: string) =>
  transactionStreamName({ accountId: BENCH_ACCOUNT_ID, companyCode: COMPANY_CODE, transactionType: 'Sale', documentCode });
