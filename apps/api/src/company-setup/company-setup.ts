import { Inject, Injectable } from '@nestjs/common';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-store';
import type { CompanySetup } from '@tax-ledger/tax-engine';
import { companySetupOf } from '../onboarding/nexus';

/**
 * Where command handlers get the CompanySetup the tax engine reads (nexus, items, certificates).
 * One port so /transactions, /calculations and /api/v2 all calculate with the same company data.
 */
export interface CompanySetupSource {
  /** The company's setup in this account, or null when the account has no such company. */
  companySetup(accountId: string, companyCode: string): Promise<LedgerCompanySetup | null>;
}

/** What the engine reads, plus the company's settings that govern recording (coverage-policy.ts). */
export type LedgerCompanySetup = CompanySetup & {
  /** Company setting: refuse calculations with coverage messages of severity Error (absent: lenient). */
  strictCoverage?: boolean;
};

export const COMPANY_SETUP = Symbol('COMPANY_SETUP');

/**
 * Setup built from the company_setups read model (nexus with dates and types, items and the fallback
 * item, certificates on file); a company known only to the older companies read model (written before
 * company streams) gets its code and currency.
 */
@Injectable()
export class ReadModelCompanySetup implements CompanySetupSource {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async companySetup(accountId: string, companyCode: string): Promise<LedgerCompanySetup | null> {
    const setup = await this.readStore.getCompanySetup(accountId, companyCode);
    if (setup) return { ...companySetupOf(setup), ...(setup.strictCoverage ? { strictCoverage: true } : {}) };
    const company = await this.readStore.getCompany(accountId, companyCode);
    if (!company) return null;
    return { companyCode: company.companyCode, defaultCurrency: company.defaultCurrency };
  }
}
