import type { CompanyState } from './company.decider';

/** Read model `companies`: a company's identity in its account. */
export interface CompanyView {
  accountId: string;
  companyCode: string;
  companyName: string;
  defaultCurrency: string;
  /** Numeric id (AvaTax companyId). */
  companyId?: number;
  createdAt: string;
}

/**
 * Read model `company_setups`: one document per company, the fold of its stream (the same fold the
 * company decider uses), plus where that fold stands in the stream.
 */
export interface CompanySetupView extends CompanyState {
  streamName: string;
  /** Revision of the last event applied: the idempotency guard. */
  streamRevision: number;
}
