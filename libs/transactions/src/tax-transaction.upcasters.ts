/**
 * Schema evolution of TaxTransaction events (read side; mechanism in libs/platform/src/event-store/upcasting.ts).
 *
 * TransactionRecorded / TransactionRevised, schemaVersion 1 -> 2:
 * - v1 as first released kept the document key nested, `key: {accountId, companyCode, transactionType,
 *   documentCode}`, and the calculation time in milliseconds, `durationMs`, and had no `taxDate`;
 * - v2 (TransactionVersionData) has the key fields flat (so every event is self-describing for
 *   projections), `calculationDuration` in seconds (the TNG processingInfo.duration) and `taxDate`
 *   (taxCalculationDate, else transactionDate: the date the rates were chosen by).
 * Events labelled v1 that already have the v2 fields (the walking skeleton wrote the v2 shape before
 * the version was bumped) pass through unchanged apart from the label.
 */
import Decimal from 'decimal.js';
import type { Upcaster } from '@tax-ledger/platform';
import { TRANSACTION_VERSION_EVENT_TYPES, type TransactionVersionData } from './tax-transaction.events';

/** The v1 shape of TransactionRecorded / TransactionRevised data. */
export interface TransactionVersionDataV1 {
  key: Pick<TransactionVersionData, 'accountId' | 'companyCode' | 'transactionType' | 'documentCode'>;
  version: number;
  versionId: string;
  document: TransactionVersionData['document'];
  contentVersion: string;
  /** Milliseconds the calculation took. */
  durationMs: number;
}

export function upcastTransactionVersionV1(data: unknown): TransactionVersionData {
  const v1 = data as Partial<TransactionVersionDataV1> & Partial<TransactionVersionData>;
  if (v1.key === undefined && v1.taxDate !== undefined && v1.calculationDuration !== undefined) return data as TransactionVersionData;
  const { key, durationMs, ...rest } = v1;
  const header = (v1.document?.header ?? {}) as { taxCalculationDate?: string; transactionDate?: string };
  return {
    ...(key ?? {}),
    ...rest,
    taxDate: v1.taxDate ?? header.taxCalculationDate ?? header.transactionDate ?? '',
    calculationDuration: v1.calculationDuration ?? (typeof durationMs === 'number' ? new Decimal(durationMs).div(1000).toNumber() : 0),
  } as TransactionVersionData;
}

/** Every upcaster of the ledger's events: give these to the event store adapters. */
export const LEDGER_UPCASTERS: readonly Upcaster[] = TRANSACTION_VERSION_EVENT_TYPES.map((eventType) => ({
  eventType,
  fromVersion: 1,
  upcast: upcastTransactionVersionV1,
}));
