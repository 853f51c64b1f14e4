import { Inject, Injectable } from '@nestjs/common';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import { type CompanySetupView } from '@tax-ledger/companies';
import type { CompanySetup } from '@tax-ledger/tax-engine';

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

/** Far past date standing for "no start date" (the engine needs one). */
const ALL_DATES_FROM = '1900-01-01';

/** The CompanySetup the engine reads, from the company_setups read model. */
export function companySetupOf(view: CompanySetupView): CompanySetup {
  const setup: CompanySetup = { companyCode: view.companyCode, defaultCurrency: view.defaultCurrency };
  // No nexus, no tax (as AvaTax): a company that declared none gets an empty list, unless its
  // collectWithoutNexus setting asks for the engine's "not configured: collect everywhere".
  if (view.nexusConfigured || view.collectWithoutNexus !== true) {
    setup.nexus = view.nexus.map((n) => ({
      country: n.country,
      region: n.region,
      jurisTypeId: n.jurisTypeId,
      jurisCode: n.jurisCode,
      jurisName: n.jurisName,
      effectiveDate: n.effectiveDate ?? ALL_DATES_FROM,
      ...(n.endDate ? { endDate: n.endDate } : {}),
      nexusTypeId: n.nexusTypeId,
      hasLocalNexus: n.hasLocalNexus,
      ...(n.localNexusTypeId ? { localNexusTypeId: n.localNexusTypeId } : {}),
      hasPermanentEstablishment: n.hasPermanentEstablishment,
    }));
  }
  if (view.items.length) setup.items = view.items.map((i) => ({ ...i }));
  if (view.fallbackItemCode) setup.fallbackItemCode = view.fallbackItemCode;
  if (view.locations?.length) {
    setup.locations = view.locations.map((l) => ({
      locationCode: l.locationCode,
      address: {
        line1: l.address.line1,
        ...(l.address.line2 ? { line2: l.address.line2 } : {}),
        ...(l.address.city ? { city: l.address.city } : {}),
        state: l.address.region,
        ...(l.address.postalCode ? { zipcode: l.address.postalCode } : {}),
        country: l.address.country,
      },
    }));
  }
  if (view.certificates.length) setup.certificates = view.certificates.map((c) => ({ ...c, regions: c.regions.map((r) => ({ ...r })) }));
  return setup;
}
