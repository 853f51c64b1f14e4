import type { TransactionState } from '@tax-ledger/ledger';
import type { FilingPeriodView } from './filing-period.projection';
import type { PeriodDocument } from './period-liability.projection';
import type { PeriodLiabilityRow } from './liability';


export interface PeriodDocumentFilter {
  /** Only documents in these states. */
  states?: TransactionState[];
  /** Only documents with a line in this region. */
  region?: string;
  /** Only committed documents (those that belong to a filing period). */
  committedOnly?: boolean;
  /** Only documents whose contribution differs from what was first filed for them, or that were never filed (not voided). */
  adjustmentsOnly?: boolean;
  /** Keyset paging: documents whose id (stream name) is greater. */
  afterId?: string;
  limit: number;
}

/**
 * Read side of filing periods (issue 6): the pre-aggregated `period_liability` rows, each document's
 * contribution (`period_documents`) and the `filing_periods`. Scoped to the caller's account.
 */
export interface PeriodReadStore {
  /** Rows of one period (all levels), optionally of one region (its region and jurisdiction rows). */
  listLiabilityRows(accountId: string, companyCode: string, period: string, region?: string): Promise<PeriodLiabilityRow[]>;
  /** Ordered by id. */
  listPeriodDocuments(accountId: string, companyCode: string, period: string, filter: PeriodDocumentFilter): Promise<PeriodDocument[]>;
  getFilingPeriod(accountId: string, companyCode: string, period: string, region?: string): Promise<FilingPeriodView | null>;
  /** Ordered by period, then region. */
  listFilingPeriods(accountId: string, companyCode: string, period?: string): Promise<FilingPeriodView[]>;
}
