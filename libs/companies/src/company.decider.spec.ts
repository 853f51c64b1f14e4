import {
  type CompanyCommand,
  type CompanyState,
  decideCompany,
  evolveCompany,
  initialCompany,
  type NewNexus,
} from './company.decider';
import { calculateTax, loadDefaultContent, type TaxDocument } from '@tax-ledger/tax-engine';
import type { CompanyEvent } from './company.events';
import { evolveAccount, initialAccount, provisionAccount, revokeLicenseKey, rotateLicenseKey } from '@tax-ledger/accounts';
import { LedgerError } from '@tax-ledger/ledger';

const key = { accountId: 'acc-1', companyCode: 'ONE' };
const given = (...commands: CompanyCommand[]): CompanyState =>
  commands.reduce((s, c) => decideCompany(s, c, key).reduce((x: CompanyState, e: CompanyEvent) => evolveCompany(x, e, '2024-01-01T00:00:00.000Z'), s), initialCompany);
const refusal = (state: CompanyState, cmd: CompanyCommand) => {
  try {
    decideCompany(state, cmd, key);
  } catch (error) {
    return { code: (error as LedgerError).code, category: (error as LedgerError).category };
  }
  throw new Error('not refused');
};
const WA: NewNexus = { country: 'US', region: 'WA', jurisTypeId: 'STA', jurisCode: '53', jurisName: 'WASHINGTON', effectiveDate: null, endDate: null, nexusTypeId: 'SalesOrSellersUseTax', hasLocalNexus: false, localNexusTypeId: 'Selected', hasPermanentEstablishment: true };
const create: CompanyCommand = { type: 'CreateCompany', companyId: 7, companyName: 'One', defaultCurrency: 'USD', locations: [{ locationCode: 'DEFAULT', address: { line1: 'x', region: 'WA', country: 'US' } }], nexus: [WA] };

describe('company decider', () => {
  it('creating a company gives its location and nexus numbered from 1; creating it again is a conflict', () => {
    const events = decideCompany(initialCompany, create, key);
    expect(events.map((e) => e.type)).toEqual(['CompanyCreated', 'LocationAdded', 'NexusDeclared']);
    const state = given(create);
    expect(state).toMatchObject({ exists: true, companyId: 7, nexusConfigured: true, nextNexusId: 2, nextLocationId: 2 });
    expect(refusal(state, create)).toEqual({ code: 'CompanyExists', category: 'conflict' });
  });

  it('settings: collectWithoutNexus is off until set; each setting changes alone', () => {
    expect(given(create).collectWithoutNexus).toBeUndefined();
    const both = given(create, { type: 'ChangeSettings', settings: { strictCoverage: true } }, { type: 'ChangeSettings', settings: { collectWithoutNexus: true } });
    expect(both).toMatchObject({ strictCoverage: true, collectWithoutNexus: true });
    expect(given(create, { type: 'ChangeSettings', settings: { collectWithoutNexus: true } }, { type: 'ChangeSettings', settings: { strictCoverage: false } }).collectWithoutNexus).toBe(true);
  });

  it('settings: strictCoverage is set and cleared by CompanySettingsChanged; lenient until set; an empty change is refused', () => {
    const state = given(create);
    expect(state.strictCoverage).toBeUndefined();
    expect(decideCompany(state, { type: 'ChangeSettings', settings: { strictCoverage: true } }, key)).toEqual([
      { type: 'CompanySettingsChanged', data: { ...key, settings: { strictCoverage: true } } },
    ]);
    expect(given(create, { type: 'ChangeSettings', settings: { strictCoverage: true } }).strictCoverage).toBe(true);
    expect(given(create, { type: 'ChangeSettings', settings: { strictCoverage: true } }, { type: 'ChangeSettings', settings: { strictCoverage: false } }).strictCoverage).toBe(false);
    expect(refusal(state, { type: 'ChangeSettings', settings: {} })).toEqual({ code: 'SettingsRequired', category: 'invalid' });
    expect(refusal(initialCompany, { type: 'ChangeSettings', settings: { strictCoverage: true } })).toEqual({ code: 'CompanyNotFound', category: 'not_found' });
  });

  it('every other command on a company that does not exist is CompanyNotFound (404)', () => {
    expect(refusal(initialCompany, { type: 'MapItem', item: { itemCode: 'a', taxCode: 'b' } })).toEqual({ code: 'CompanyNotFound', category: 'not_found' });
  });

  it('nexus: overlapping dates for one jurisdiction are refused; adjacent windows are fine', () => {
    const state = given({ ...create, nexus: [{ ...WA, endDate: '2023-12-31' }] });
    expect(refusal(state, { type: 'DeclareNexus', nexus: [{ ...WA, effectiveDate: '2023-06-01' }] })).toEqual({ code: 'NexusAlreadyDeclared', category: 'conflict' });
    expect(decideCompany(state, { type: 'DeclareNexus', nexus: [{ ...WA, effectiveDate: '2024-01-01' }] }, key)).toEqual([
      { type: 'NexusDeclared', data: { ...key, nexus: { ...WA, effectiveDate: '2024-01-01', id: 2 } } },
    ]);
    expect(refusal(state, { type: 'DeclareNexus', nexus: [{ ...WA, region: 'ID', jurisCode: '16', effectiveDate: '2024-05-01', endDate: '2024-04-01' }] })).toEqual({ code: 'InvalidDateRange', category: 'invalid' });
  });

  it('nexus: an update keeps the jurisdiction (else NexusNotFound, 400); delete removes it; unknown ids are 404', () => {
    const state = given(create);
    expect(refusal(state, { type: 'UpdateNexus', nexusId: 1, nexus: { ...WA, jurisCode: '54' } })).toEqual({ code: 'NexusNotFound', category: 'invalid' });
    expect(refusal(state, { type: 'UpdateNexus', nexusId: 9, nexus: WA })).toEqual({ code: 'NexusNotFound', category: 'not_found' });
    const updated = given(create, { type: 'UpdateNexus', nexusId: 1, nexus: { ...WA, nexusTypeId: 'SalesTax' } });
    expect(updated.nexus).toEqual([expect.objectContaining({ id: 1, nexusTypeId: 'SalesTax' })]);
    const deleted = given(create, { type: 'DeleteNexus', nexusId: 1 });
    expect(deleted).toMatchObject({ nexus: [], nexusConfigured: true }); // configured, and now nowhere
  });

  it('items: the fallback must be a mapped item; removing it clears the fallback', () => {
    const state = given(create, { type: 'MapItem', item: { itemCode: 'A', taxCode: 'P1' } });
    expect(refusal(state, { type: 'SetFallbackItem', itemCode: 'B' })).toEqual({ code: 'ItemNotFound', category: 'invalid' });
    const withFallback = given(create, { type: 'MapItem', item: { itemCode: 'A', taxCode: 'P1' } }, { type: 'SetFallbackItem', itemCode: 'A' }, { type: 'RemoveItem', itemCode: 'A' });
    expect(withFallback).toMatchObject({ items: [], fallbackItemCode: null });
  });

  it('certificates need a reason or entity use code, ordered dates and a unique id', () => {
    const cert = { certificateId: 'C', customerCode: 'CU', regions: [{ country: 'US', region: 'WA' }], effectiveDate: '2024-01-01' };
    const state = given(create);
    expect(refusal(state, { type: 'AddCertificate', certificate: cert })).toEqual({ code: 'CertificateReasonRequired', category: 'invalid' });
    expect(refusal(state, { type: 'AddCertificate', certificate: { ...cert, entityUseCode: 'G', expirationDate: '2023-01-01' } })).toEqual({ code: 'InvalidDateRange', category: 'invalid' });
    const withCert = given(create, { type: 'AddCertificate', certificate: { ...cert, entityUseCode: 'G' } });
    expect(refusal(withCert, { type: 'AddCertificate', certificate: { ...cert, entityUseCode: 'G' } })).toEqual({ code: 'CertificateExists', category: 'conflict' });
    expect(given(create, { type: 'AddCertificate', certificate: { ...cert, entityUseCode: 'G' } }, { type: 'RevokeCertificate', certificateId: 'C' }).certificates).toEqual([]);
  });

  it('given a certificate, when customers are linked, then only the new codes are recorded and the certificate lists them', () => {
    const cert = { certificateId: 'C', customerCode: 'CU', regions: [{ country: 'US', region: 'WA' }], effectiveDate: '2024-01-01', exemptionReason: 'RESALE' };
    const state = given(create, { type: 'AddCertificate', certificate: cert });
    expect(decideCompany(state, { type: 'LinkCertificateCustomers', certificateId: 'C', customerCodes: ['CU', 'B', 'B', 'A'] }, key)).toEqual([
      { type: 'CertificateCustomersLinked', data: { ...key, certificateId: 'C', customerCodes: ['B', 'A'] } },
    ]);
    const linked = given(create, { type: 'AddCertificate', certificate: cert }, { type: 'LinkCertificateCustomers', certificateId: 'C', customerCodes: ['B'] });
    expect(linked.certificates[0]).toMatchObject({ customerCode: 'CU', customerCodes: ['B'] });
    expect(decideCompany(linked, { type: 'LinkCertificateCustomers', certificateId: 'C', customerCodes: ['B', 'CU'] }, key)).toEqual([]);
    expect(refusal(linked, { type: 'LinkCertificateCustomers', certificateId: 'NOPE', customerCodes: ['B'] })).toEqual({ code: 'CertificateNotFound', category: 'not_found' });
  });
});

describe('account decider: license keys', () => {
  const provisioned = provisionAccount(initialAccount, { accountId: 'a', accountName: 'A', credential: { credentialId: 'k1', keyHash: 'h', role: 'account_admin' } }).reduce(evolveAccount, initialAccount);

  it('revoking a key in force revokes it; a second revoke or an unknown key is LicenseKeyNotFound', () => {
    const events = revokeLicenseKey(provisioned, { accountId: 'a', credentialId: 'k1' });
    const after = events.reduce(evolveAccount, provisioned);
    expect(after.activeKeys).toEqual({});
    expect(() => revokeLicenseKey(after, { accountId: 'a', credentialId: 'k1' })).toThrow(expect.objectContaining({ code: 'LicenseKeyNotFound' }));
  });

  it('rotation issues a key of the same role and revokes the old one in one decision', () => {
    const events = rotateLicenseKey(provisioned, { accountId: 'a', credentialId: 'k1', newCredentialId: 'k2', keyHash: 'h2' });
    expect(events.map((e) => e.type)).toEqual(['LicenseKeyIssued', 'LicenseKeyRevoked']);
    expect(events.reduce(evolveAccount, provisioned).activeKeys).toEqual({ k2: 'account_admin' });
  });
});

describe('stored company events and the engine read one shape', () => {
  // CertificateAdded and ItemMapped exactly as an earlier release stored them (JSON text in the log).
  const stored = [
    '{"type":"CompanyCreated","data":{"accountId":"acc-1","companyCode":"ONE","companyId":7,"companyName":"One","defaultCurrency":"USD"}}',
    '{"type":"CertificateAdded","data":{"accountId":"acc-1","companyCode":"ONE","certificate":{"certificateId":"C-1","customerCode":"CUST-1","regions":[{"country":"US","region":"WA"}],"exemptionReason":"Resale","effectiveDate":"2024-01-01"}}}',
    '{"type":"ItemMapped","data":{"accountId":"acc-1","companyCode":"ONE","item":{"itemCode":"BREAD","taxCode":"PF050100","description":"Bread"}}}',
  ].map((text) => JSON.parse(text) as CompanyEvent);
  const state = stored.reduce((s, e) => evolveCompany(s, e, '2024-01-01T00:00:00.000Z'), initialCompany);
  const setup = { companyCode: 'ONE', certificates: state.certificates, items: state.items };
  const sale = (customerCode: string, itemCode: string): TaxDocument => ({
    header: {
      companyCode: 'ONE', transactionType: 'Sale', documentCode: 'INV-1', customerCode, transactionDate: '2025-06-11',
      defaultLocations: { shipFrom: { address: { line1: '1 Main St', state: 'WA', country: 'USA', zipcode: '98104' } }, shipTo: { address: { line1: '1 Main St', state: 'WA', country: 'USA', zipcode: '98104' } } },
    },
    lines: [{ lineCode: '1', itemCode, extendedAmount: 100, itemDescription: 'Item' }],
  });

  it('a stored certificate exempts its customer and a stored item mapping sets the tax code', () => {
    const content = loadDefaultContent();
    const exempt = calculateTax(sale('CUST-1', 'SKU-1'), setup, content).document;
    expect(exempt.calculatedTaxSummary.tax).toBe(0);
    expect(exempt.lines[0].calculatedTax.taxAuthorities.flatMap((a) => a.details.map((d) => d.exemptionReason))).toEqual([
      expect.stringMatching(/^Exemption certificate/),
      expect.stringMatching(/^Exemption certificate/),
    ]);
    // Seattle: groceries are not taxed, general goods are (10.35 % in 2025)
    const mapped = calculateTax(sale('CUST-2', 'BREAD'), setup, content).document;
    expect(mapped.lines[0]).toMatchObject({ avalaraGoodsAndServicesType: 'PF050100', calculatedTax: { appliedTax: 0, subtotalExempt: 100 } });
    const unmapped = calculateTax(sale('CUST-2', 'SKU-1'), setup, content).document;
    expect(unmapped.lines[0]).toMatchObject({ avalaraGoodsAndServicesType: 'P0000000', calculatedTax: { appliedTax: 10.35 } });
  });
});
