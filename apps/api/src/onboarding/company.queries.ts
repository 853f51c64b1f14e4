import { Inject, Injectable } from '@nestjs/common';
import { companyNotFound, type CompanySetupView, type CompanyState } from '@tax-ledger/companies';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';

/** Reads of companies, always within the caller's account: another account's company is a 404. */
@Injectable()
export class CompanyQueries {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  async byCode(accountId: string, companyCode: string): Promise<CompanySetupView> {
    const company = await this.readStore.getCompanySetup(accountId, companyCode);
    if (!company) throw companyNotFound(companyCode);
    return company;
  }

  /** `companyId` as it came in the path: anything but a known id of this account is a 404. */
  async byId(accountId: string, companyId: string | number): Promise<CompanySetupView> {
    const id = typeof companyId === 'number' ? companyId : /^\d{1,10}$/.test(companyId) ? Number(companyId) : NaN;
    const company = Number.isSafeInteger(id) ? await this.readStore.getCompanySetupById(accountId, id) : null;
    if (!company) throw companyNotFound(String(companyId));
    return company;
  }

  list(accountId: string): Promise<CompanySetupView[]> {
    return this.readStore.listCompanySetups(accountId);
  }
}

/** REST v2 list shape, used by every onboarding list too. */
export const recordset = <T>(value: T[]) => ({ '@recordsetCount': value.length, value });

export function presentCompany(c: CompanyState) {
  return {
    id: c.companyId ?? null,
    companyId: c.companyId ?? null,
    companyCode: c.companyCode,
    companyName: c.companyName,
    name: c.companyName,
    defaultCurrency: c.defaultCurrency,
    fallbackItemCode: c.fallbackItemCode,
    strictCoverage: c.strictCoverage === true,
    collectWithoutNexus: c.collectWithoutNexus === true,
    locationCount: c.locations.length,
    nexusCount: c.nexus.length,
    createdDate: c.createdAt,
    modifiedDate: c.modifiedAt,
  };
}

export const presentLocation = (c: CompanyState, l: CompanyState['locations'][number]) => ({
  id: l.id,
  companyId: c.companyId ?? null,
  companyCode: c.companyCode,
  locationCode: l.locationCode,
  description: l.description ?? null,
  address: l.address,
});

/** The company's settings (GET/PUT /companies/{companyCode}/settings). */
export const presentSettings = (c: CompanyState) => ({
  companyCode: c.companyCode,
  strictCoverage: c.strictCoverage === true,
  collectWithoutNexus: c.collectWithoutNexus === true,
});
