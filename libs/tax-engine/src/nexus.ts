/** Which declared nexus covers a jurisdiction on the tax date. */
import type { CompanySetup, LocalJurisdiction, NexusDeclaration } from './engine.types';
import type { TransactionType } from './tax-document';
import { normaliseCountry, resolveUsState, type UsStateInfo } from './geo';
import { activeOn } from './util';

export const SALES_NEXUS_TYPES: ReadonlySet<string> = new Set(['SalesOrSellersUseTax', 'SalesTax', 'SellersUseTax']);

/** The company's nexus declarations active on the tax date, for the kind of document. */
export function activeNexus(company: CompanySetup, kind: TransactionType, date: string): NexusDeclaration[] | undefined {
  if (company.nexus === undefined) return undefined;
  return company.nexus.filter((n) => {
    if (!activeOn(n.effectiveDate.slice(0, 10), n.endDate?.slice(0, 10), date)) return false;
    const type = n.nexusTypeId ?? 'SalesOrSellersUseTax';
    if (type === 'None') return false;
    // Consumer use tax (purchases) is owed under any nexus; sales need a sales / seller's use nexus.
    return kind === 'Purchase' || SALES_NEXUS_TYPES.has(type);
  });
}

export const sameUsState = (n: NexusDeclaration, state: UsStateInfo) => normaliseCountry(n.country) === 'US' && resolveUsState(n.region)?.code === state.code;
export const isStateLevel = (n: NexusDeclaration) => (n.jurisTypeId ?? 'STA') === 'STA';

export function hasStateNexus(nexus: NexusDeclaration[] | undefined, state: UsStateInfo): boolean {
  return nexus === undefined || nexus.some((n) => sameUsState(n, state) && isStateLevel(n));
}

/** Local nexus: a state declaration with hasLocalNexus (All / StateAdministered), or the local jurisdiction declared itself. */
export function hasLocalNexus(nexus: NexusDeclaration[] | undefined, state: UsStateInfo, j: LocalJurisdiction): boolean {
  if (nexus === undefined) return true;
  return nexus.some((n) => {
    if (!sameUsState(n, state)) return false;
    if (isStateLevel(n)) {
      if (n.hasLocalNexus !== true) return false;
      const type = n.localNexusTypeId ?? 'All';
      return type === 'All' || (type === 'StateAdministered' && j.stateAdministered);
    }
    return n.jurisTypeId === j.jurisTypeId && n.jurisCode === j.jurisCode;
  });
}

/** Whether any local tax could be owed in the state: some declaration there gives local nexus (undefined nexus: collect everywhere). */
export function mayHaveLocalNexus(nexus: NexusDeclaration[] | undefined, state: UsStateInfo): boolean {
  return nexus === undefined || nexus.some((n) => sameUsState(n, state) && (!isStateLevel(n) || n.hasLocalNexus === true));
}

/** Non-US: any active declaration in the country (VAT/GST registration) covers every tax of that country. */
export function hasCountryNexus(nexus: NexusDeclaration[] | undefined, country: string): boolean {
  return nexus === undefined || nexus.some((n) => normaliseCountry(n.country) === country);
}
