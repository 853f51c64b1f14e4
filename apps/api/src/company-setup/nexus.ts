import type { Address, CompanyNexus, NewNexus, NexusChoice, NexusJurisdiction, NexusRecord } from '@tax-ledger/companies';
import {
  type Jurisdiction,
  jurisdictionsForAddress,
  type JurisTypeId,
  normaliseCountry,
  type TaxContent,
} from '@tax-ledger/tax-engine';

/** What a declaration by address chooses: every triggered jurisdiction, locals chosen one by one. */
export const DEFAULT_NEXUS_CHOICE: NexusChoice = {
  effectiveDate: null,
  endDate: null,
  nexusTypeId: 'SalesOrSellersUseTax',
  hasLocalNexus: false,
  localNexusTypeId: 'Selected',
  hasPermanentEstablishment: true,
};

const LOCAL_JURIS_TYPE: Record<string, JurisTypeId> = { County: 'CTY', City: 'CIT', Special: 'STJ' };
const isoDate = (value: string | null | undefined) => (value ? value.slice(0, 10) : null);

/** The jurisdictions an address triggers, as nexus jurisdictions (content's codes and names). */
export function jurisdictionsAt(address: { country?: string; region?: string; postalCode?: string }, content: TaxContent, date?: string): NexusJurisdiction[] {
  return jurisdictionsForAddress({ country: address.country, region: address.region, postalCode: address.postalCode }, content, date).map(toNexusJurisdiction);
}

const toNexusJurisdiction = (j: Jurisdiction): NexusJurisdiction => ({
  country: j.country,
  region: j.region,
  jurisTypeId: j.jurisTypeId,
  jurisCode: j.jurisCode,
  jurisName: j.jurisName,
});

/**
 * The content jurisdiction a nexus object names, or undefined when its codes match none ("nexus not
 * found"): the state level as jurisdictionsForAddress gives it, local levels from content's local
 * jurisdictions (or, for content without that list, from its rates).
 */
export function findJurisdiction(
  content: TaxContent,
  j: { country: string; region: string; jurisTypeId: string; jurisCode: string; jurisName?: string; shortName?: string },
): NexusJurisdiction | undefined {
  const country = normaliseCountry(j.country);
  const region = j.region.trim().toUpperCase();
  const locals: NexusJurisdiction[] = content.localJurisdictions
    ? content.localJurisdictions
        .filter((l) => normaliseCountry(l.country) === country && l.region.toUpperCase() === region)
        .map((l) => ({ country: country!, region, jurisTypeId: l.jurisTypeId, jurisCode: l.jurisCode, jurisName: l.jurisName }))
    : content.rates
        .filter((r) => normaliseCountry(r.country) === country && r.region.toUpperCase() === region && r.jurisdictionType in LOCAL_JURIS_TYPE)
        .map((r) => ({ country: country!, region, jurisTypeId: LOCAL_JURIS_TYPE[r.jurisdictionType], jurisCode: r.jurisdictionCode, jurisName: r.jurisdictionName }));
  const candidates = [...jurisdictionsAt({ country: j.country, region }, content), ...locals];
  return candidates.find(
    (c) =>
      c.jurisTypeId === j.jurisTypeId &&
      c.jurisCode === j.jurisCode &&
      (j.jurisName === undefined || j.jurisName === c.jurisName) &&
      (j.shortName === undefined || j.shortName === shortNameOf(c)),
  );
}

export const shortNameOf = (j: NexusJurisdiction) => (j.jurisTypeId === 'STA' ? j.region : j.jurisCode);

/** The caller's choices, defaults filled in, dates as ISO dates. */
export function nexusChoice(input: Partial<Record<keyof NexusChoice, unknown>>, defaults: NexusChoice = DEFAULT_NEXUS_CHOICE): NexusChoice {
  return {
    effectiveDate: input.effectiveDate === undefined ? defaults.effectiveDate : isoDate(input.effectiveDate as string | null),
    endDate: input.endDate === undefined ? defaults.endDate : isoDate(input.endDate as string | null),
    nexusTypeId: (input.nexusTypeId as NexusChoice['nexusTypeId']) ?? defaults.nexusTypeId,
    hasLocalNexus: (input.hasLocalNexus as boolean | undefined) ?? defaults.hasLocalNexus,
    localNexusTypeId: input.localNexusTypeId === undefined ? defaults.localNexusTypeId : (input.localNexusTypeId as NexusChoice['localNexusTypeId']),
    hasPermanentEstablishment: (input.hasPermanentEstablishment as boolean | undefined) ?? defaults.hasPermanentEstablishment,
  };
}

/** New nexus for every jurisdiction the addresses trigger (each jurisdiction once). */
export function nexusForAddresses(addresses: Address[], content: TaxContent, choice: NexusChoice): NewNexus[] {
  const out: NewNexus[] = [];
  for (const address of addresses) {
    for (const j of jurisdictionsAt(address, content)) {
      if (!out.some((n) => n.jurisTypeId === j.jurisTypeId && n.jurisCode === j.jurisCode && n.region === j.region)) out.push({ ...j, ...choice });
    }
  }
  return out;
}

/** The REST v2 nexus object. */
export function presentNexus(n: CompanyNexus & Partial<Pick<NexusRecord, 'createdDate' | 'modifiedDate'>>, companyId: number) {
  return {
    id: n.id,
    companyId,
    country: n.country,
    region: n.region,
    jurisTypeId: n.jurisTypeId,
    jurisCode: n.jurisCode,
    jurisName: n.jurisName,
    shortName: shortNameOf(n),
    signatureCode: '',
    stateAssignedNo: '',
    nexusTypeId: n.nexusTypeId,
    hasLocalNexus: n.hasLocalNexus,
    localNexusTypeId: n.localNexusTypeId,
    hasPermanentEstablishment: n.hasPermanentEstablishment,
    effectiveDate: n.effectiveDate,
    endDate: n.endDate,
    createdDate: n.createdDate ?? null,
    createdUserId: 0,
    modifiedDate: n.modifiedDate ?? null,
    modifiedUserId: 0,
  };
}

/** A jurisdiction's nexus definition (byaddress): id 0, not declared by anyone yet. */
export const presentDefinition = (j: NexusJurisdiction, companyId = 0) => presentNexus({ ...j, ...DEFAULT_NEXUS_CHOICE, id: 0 }, companyId);
