import type { ExemptionCertificate, ItemMapping } from '@tax-ledger/tax-engine';
import type {
  CompanyEvent,
  CompanyLocation,
  CompanyNexus,
  CompanySettings,
  FilingCalendarEntry,
  NexusChoice,
  NexusJurisdiction,
} from './company.events';
import { LedgerError } from '@tax-ledger/ledger';

export type NexusRecord = CompanyNexus & { createdDate: string; modifiedDate: string };

/**
 * A company's tax setup, folded from its stream. The decider needs it, and the `company_setups` read
 * model is this same fold (plus the stream revision), so reads and decisions never disagree.
 */
export interface CompanyState {
  exists: boolean;
  accountId: string;
  companyCode: string;
  companyId?: number;
  companyName: string;
  defaultCurrency: string;
  locations: CompanyLocation[];
  /** Declared nexus still in force (deleted ones are gone). */
  nexus: NexusRecord[];
  /** True once any nexus was declared: from then on the engine sees the list, even when empty. */
  nexusConfigured: boolean;
  nextLocationId: number;
  nextNexusId: number;
  items: ItemMapping[];
  fallbackItemCode: string | null;
  /** Certificates on file (revoked ones are gone). */
  certificates: ExemptionCertificate[];
  filingCalendar: FilingCalendarEntry[];
  /** Set once CompanySettingsChanged set it (absent: lenient, the default). */
  strictCoverage?: boolean;
  /** Set once CompanySettingsChanged set it (absent: no nexus, no tax). */
  collectWithoutNexus?: boolean;
  createdAt: string;
  modifiedAt: string;
}

export const initialCompany: CompanyState = {
  exists: false,
  accountId: '',
  companyCode: '',
  companyName: '',
  defaultCurrency: 'USD',
  locations: [],
  nexus: [],
  nexusConfigured: false,
  nextLocationId: 1,
  nextNexusId: 1,
  items: [],
  fallbackItemCode: null,
  certificates: [],
  filingCalendar: [],
  createdAt: '',
  modifiedAt: '',
};

/** `occurredAt`: the event's metadata time, stamped on nexus records and the company (created / modified). */
export function evolveCompany(state: CompanyState, event: CompanyEvent, occurredAt = ''): CompanyState {
  const s: CompanyState = { ...state, modifiedAt: occurredAt || state.modifiedAt };
  switch (event.type) {
    case 'CompanyCreated': {
      const d = event.data;
      return {
        ...s,
        exists: true,
        accountId: d.accountId,
        companyCode: d.companyCode,
        ...(d.companyId !== undefined ? { companyId: d.companyId } : {}),
        companyName: d.companyName,
        defaultCurrency: d.defaultCurrency,
        createdAt: occurredAt,
      };
    }
    case 'LocationAdded':
      return { ...s, locations: [...s.locations, event.data.location], nextLocationId: Math.max(s.nextLocationId, event.data.location.id + 1) };
    case 'NexusDeclared': {
      const n = event.data.nexus;
      return {
        ...s,
        nexusConfigured: true,
        nexus: [...s.nexus, { ...n, createdDate: occurredAt, modifiedDate: occurredAt }],
        nextNexusId: Math.max(s.nextNexusId, n.id + 1),
      };
    }
    case 'NexusUpdated': {
      const n = event.data.nexus;
      return { ...s, nexus: s.nexus.map((x) => (x.id === n.id ? { ...n, createdDate: x.createdDate, modifiedDate: occurredAt } : x)) };
    }
    case 'NexusDeleted':
      return { ...s, nexus: s.nexus.filter((x) => x.id !== event.data.nexusId) };
    case 'ItemMapped': {
      const item = event.data.item;
      const known = s.items.some((i) => i.itemCode === item.itemCode);
      return { ...s, items: known ? s.items.map((i) => (i.itemCode === item.itemCode ? item : i)) : [...s.items, item] };
    }
    case 'ItemRemoved':
      return {
        ...s,
        items: s.items.filter((i) => i.itemCode !== event.data.itemCode),
        fallbackItemCode: s.fallbackItemCode === event.data.itemCode ? null : s.fallbackItemCode,
      };
    case 'FallbackItemSet':
      return { ...s, fallbackItemCode: event.data.itemCode };
    case 'CertificateAdded':
      return { ...s, certificates: [...s.certificates, event.data.certificate] };
    case 'CertificateRevoked':
      return { ...s, certificates: s.certificates.filter((c) => c.certificateId !== event.data.certificateId) };
    case 'CertificateCustomersLinked': {
      const { certificateId, customerCodes } = event.data;
      return { ...s, certificates: s.certificates.map((c) => (c.certificateId === certificateId ? { ...c, customerCodes: [...(c.customerCodes ?? []), ...customerCodes] } : c)) };
    }
    case 'FilingFrequencySet': {
      const e = event.data.entry;
      const same = (x: FilingCalendarEntry) => x.country === e.country && x.region === e.region && x.effectiveDate === e.effectiveDate;
      return { ...s, filingCalendar: [...s.filingCalendar.filter((x) => !same(x)), e] };
    }
    case 'CompanySettingsChanged': {
      const { strictCoverage, collectWithoutNexus } = event.data.settings;
      return {
        ...s,
        ...(strictCoverage === undefined ? {} : { strictCoverage }),
        ...(collectWithoutNexus === undefined ? {} : { collectWithoutNexus }),
      };
    }
  }
}

export type NewNexus = NexusJurisdiction & NexusChoice;

export type CompanyCommand =
  | {
      type: 'CreateCompany';
      companyId: number;
      companyName: string;
      defaultCurrency: string;
      locations?: Array<Omit<CompanyLocation, 'id'>>;
      nexus?: NewNexus[];
    }
  | { type: 'AddLocation'; location: Omit<CompanyLocation, 'id'> }
  | { type: 'DeclareNexus'; nexus: NewNexus[] }
  | { type: 'UpdateNexus'; nexusId: number; nexus: NewNexus }
  | { type: 'DeleteNexus'; nexusId: number }
  | { type: 'MapItem'; item: ItemMapping }
  | { type: 'RemoveItem'; itemCode: string }
  | { type: 'SetFallbackItem'; itemCode: string | null }
  | { type: 'AddCertificate'; certificate: ExemptionCertificate }
  | { type: 'RevokeCertificate'; certificateId: string }
  | { type: 'LinkCertificateCustomers'; certificateId: string; customerCodes: string[] }
  | { type: 'SetFilingFrequency'; entry: FilingCalendarEntry }
  | { type: 'ChangeSettings'; settings: CompanySettings };

export const companyNotFound = (companyCode: string) =>
  new LedgerError('CompanyNotFound', `Company "${companyCode}" does not exist in this account.`, 'not_found', 'companyCode');
export const companyExists = (companyCode: string) =>
  new LedgerError('CompanyExists', `Company "${companyCode}" already exists in this account.`, 'conflict', 'companyCode');
export const nexusNotFound = (what: string) =>
  new LedgerError('NexusNotFound', `Nexus not found: ${what}.`, 'not_found', 'nexus');

export const sameJurisdiction = (a: NexusJurisdiction, b: NexusJurisdiction) =>
  a.country === b.country && a.region === b.region && a.jurisTypeId === b.jurisTypeId && a.jurisCode === b.jurisCode;

const MIN_DATE = '0000-01-01';
const MAX_DATE = '9999-12-31';
/** Do two declarations' date windows share a day (null dates are open ends)? */
export const nexusOverlaps = (a: NexusChoice, b: NexusChoice) =>
  (a.effectiveDate ?? MIN_DATE) <= (b.endDate ?? MAX_DATE) && (b.effectiveDate ?? MIN_DATE) <= (a.endDate ?? MAX_DATE);

function checkDates(choice: NexusChoice, target: string) {
  if (choice.effectiveDate && choice.endDate && choice.endDate < choice.effectiveDate) {
    throw new LedgerError('InvalidDateRange', 'endDate must not be before effectiveDate.', 'invalid', target);
  }
}

/** Refuses a declaration overlapping another one of the same jurisdiction (in force or in the same batch). */
function checkNoOverlap(existing: NexusRecord[], incoming: NewNexus[], ignoreId?: number) {
  const seen: NewNexus[] = existing.filter((n) => n.id !== ignoreId);
  incoming.forEach((n, i) => {
    checkDates(n, `nexus[${i}]`);
    const clash = seen.find((x) => sameJurisdiction(x, n) && nexusOverlaps(x, n));
    if (clash) {
      throw new LedgerError(
        'NexusAlreadyDeclared',
        `Nexus in ${n.jurisName} (${n.jurisTypeId} ${n.jurisCode}) is already declared for overlapping dates.`,
        'conflict',
        `nexus[${i}]`,
      );
    }
    seen.push(n);
  });
}

/** Decides the events a command on a company causes; throws LedgerError when it is refused. */
export function decideCompany(state: CompanyState, cmd: CompanyCommand, key: { accountId: string; companyCode: string }): CompanyEvent[] {
  const k = { accountId: key.accountId, companyCode: key.companyCode };
  if (cmd.type === 'CreateCompany') {
    if (state.exists) throw companyExists(key.companyCode);
    const nexus = cmd.nexus ?? [];
    checkNoOverlap([], nexus);
    return [
      { type: 'CompanyCreated', data: { ...k, companyId: cmd.companyId, companyName: cmd.companyName, defaultCurrency: cmd.defaultCurrency } },
      ...(cmd.locations ?? []).map((l, i): CompanyEvent => ({ type: 'LocationAdded', data: { ...k, location: { ...l, id: i + 1 } } })),
      ...nexus.map((n, i): CompanyEvent => ({ type: 'NexusDeclared', data: { ...k, nexus: { ...n, id: i + 1 } } })),
    ];
  }
  if (!state.exists) throw companyNotFound(key.companyCode);
  switch (cmd.type) {
    case 'AddLocation':
      if (state.locations.some((l) => l.locationCode === cmd.location.locationCode)) {
        throw new LedgerError('LocationExists', `Location "${cmd.location.locationCode}" already exists.`, 'conflict', 'locationCode');
      }
      return [{ type: 'LocationAdded', data: { ...k, location: { ...cmd.location, id: state.nextLocationId } } }];
    case 'DeclareNexus':
      checkNoOverlap(state.nexus, cmd.nexus);
      return cmd.nexus.map((n, i) => ({ type: 'NexusDeclared', data: { ...k, nexus: { ...n, id: state.nextNexusId + i } } }));
    case 'UpdateNexus': {
      const current = state.nexus.find((n) => n.id === cmd.nexusId);
      if (!current) throw nexusNotFound(`no nexus ${cmd.nexusId} in company "${key.companyCode}"`);
      if (!sameJurisdiction(current, cmd.nexus)) {
        throw new LedgerError('NexusNotFound', 'Nexus not found: the jurisdiction codes of a nexus cannot be changed.', 'invalid', 'jurisCode');
      }
      checkNoOverlap(state.nexus, [cmd.nexus], cmd.nexusId);
      return [{ type: 'NexusUpdated', data: { ...k, nexus: { ...current, ...cmd.nexus, id: cmd.nexusId } } }];
    }
    case 'DeleteNexus':
      if (!state.nexus.some((n) => n.id === cmd.nexusId)) throw nexusNotFound(`no nexus ${cmd.nexusId} in company "${key.companyCode}"`);
      return [{ type: 'NexusDeleted', data: { ...k, nexusId: cmd.nexusId } }];
    case 'MapItem':
      return [{ type: 'ItemMapped', data: { ...k, item: cmd.item } }];
    case 'RemoveItem':
      if (!state.items.some((i) => i.itemCode === cmd.itemCode)) {
        throw new LedgerError('ItemNotFound', `Item "${cmd.itemCode}" is not mapped.`, 'not_found', 'itemCode');
      }
      return [{ type: 'ItemRemoved', data: { ...k, itemCode: cmd.itemCode } }];
    case 'SetFallbackItem':
      if (cmd.itemCode !== null && !state.items.some((i) => i.itemCode === cmd.itemCode)) {
        throw new LedgerError('ItemNotFound', `Map item "${cmd.itemCode}" to a tax code before making it the fallback item.`, 'invalid', 'itemCode');
      }
      return [{ type: 'FallbackItemSet', data: { ...k, itemCode: cmd.itemCode } }];
    case 'AddCertificate': {
      const c = cmd.certificate;
      if (!c.entityUseCode && !c.exemptionReason) {
        throw new LedgerError('CertificateReasonRequired', 'A certificate needs an exemptionReason or an entityUseCode.', 'invalid', 'exemptionReason');
      }
      if (c.expirationDate && c.expirationDate < c.effectiveDate) {
        throw new LedgerError('InvalidDateRange', 'expirationDate must not be before effectiveDate.', 'invalid', 'expirationDate');
      }
      if (state.certificates.some((x) => x.certificateId === c.certificateId)) {
        throw new LedgerError('CertificateExists', `Certificate "${c.certificateId}" already exists.`, 'conflict', 'certificateId');
      }
      return [{ type: 'CertificateAdded', data: { ...k, certificate: c } }];
    }
    case 'RevokeCertificate':
      if (!state.certificates.some((c) => c.certificateId === cmd.certificateId)) {
        throw new LedgerError('CertificateNotFound', `No certificate "${cmd.certificateId}" on file.`, 'not_found', 'certificateId');
      }
      return [{ type: 'CertificateRevoked', data: { ...k, certificateId: cmd.certificateId } }];
    case 'LinkCertificateCustomers': {
      const certificate = state.certificates.find((c) => c.certificateId === cmd.certificateId);
      if (!certificate) throw new LedgerError('CertificateNotFound', `No certificate "${cmd.certificateId}" on file.`, 'not_found', 'certificateId');
      const linked = new Set([certificate.customerCode, ...(certificate.customerCodes ?? [])]);
      const added = [...new Set(cmd.customerCodes)].filter((code) => code.trim() !== '' && !linked.has(code));
      // Linking a customer already linked changes nothing (AvaTax answers with the certificate).
      return added.length ? [{ type: 'CertificateCustomersLinked', data: { ...k, certificateId: cmd.certificateId, customerCodes: added } }] : [];
    }
    case 'SetFilingFrequency':
      return [{ type: 'FilingFrequencySet', data: { ...k, entry: cmd.entry } }];
    case 'ChangeSettings':
      if (Object.keys(cmd.settings).length === 0) {
        throw new LedgerError('SettingsRequired', 'Name at least one setting to change (strictCoverage, collectWithoutNexus).', 'invalid', 'strictCoverage');
      }
      return [{ type: 'CompanySettingsChanged', data: { ...k, settings: { ...cmd.settings } } }];
  }
}
