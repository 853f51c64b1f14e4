/*
 * Worked cases: one row per case, inputs → expected amounts computed by hand (arithmetic in the
 * comment above each row). Rates come from the shipped content (see content/*.json and their sources).
 * Each row checks every detail (tax type, rate, tax, exemption reason) and the line's applied tax.
 */
import { calculateTax, exemptionCategoryOf } from './engine';
import type { CompanySetup, NexusDeclaration } from './engine.types';
import { loadDefaultContent } from './content/load-content';
import type { LocationContent, TaxDocument, TaxDocumentHeader, TaxDocumentLine } from './tax-document';

const content = loadDefaultContent();

/** A location: [country, state/province, postal code]. */
type Loc = [string, string | undefined, string?];
const loc = ([country, state, zip]: Loc): LocationContent => ({
  address: { line1: '1 Main St', country, ...(state ? { state } : {}), ...(zip ? { postalCode: zip } : {}) },
});

interface Case {
  name: string;
  from?: Loc;
  to: Loc;
  amount: number;
  date?: string;
  header?: Partial<TaxDocumentHeader>;
  line?: Partial<TaxDocumentLine>;
  company?: Partial<CompanySetup>;
  /** [taxType, rate, tax, exemptionReason?] per detail, in output order. */
  details: Array<[string, number, number, string?]>;
  tax: number;
}

const WA_STATE = 'WASHINGTON STATE Sales';
const SEATTLE = 'SEATTLE CITY Sales';
const nexus = (region: string, extra: Partial<NexusDeclaration> = {}, country = 'US'): NexusDeclaration => ({ country, region, effectiveDate: '2020-01-01', ...extra });
const cert = (id: string, customerCode: string, region: string, extra: Record<string, string | string[]> = {}) => ({
  certificateId: id, customerCode, regions: [{ country: 'US', region }], effectiveDate: '2024-01-01', expirationDate: '2025-12-31', ...extra,
});

function run(c: Case) {
  const document: TaxDocument = {
    header: {
      companyCode: 'C1', transactionType: 'Sale', documentCode: 'D1', customerCode: 'CUST-1', transactionDate: c.date ?? '2025-06-01',
      defaultLocations: { ...(c.from ? { shipFrom: loc(c.from) } : {}), shipTo: loc(c.to) },
      ...c.header,
    },
    lines: [{ lineCode: '1', itemCode: 'SKU-1', itemDescription: 'item', extendedAmount: c.amount, ...c.line }],
  };
  return calculateTax(document, { companyCode: 'C1', ...c.company }, content).document;
}

const cases: Case[] = [
  // ---- local jurisdictions (ZIP boundaries) ----
  // 100 × 6.5% = 6.50 ; 100 × 3.85% = 3.85 ; 10.35
  { name: 'Seattle 98101 after 2025-04-01', from: ['US', 'WA'], to: ['US', 'WA', '98101'], amount: 100, details: [[WA_STATE, 0.065, 6.5], [SEATTLE, 0.0385, 3.85]], tax: 10.35 },
  // 100 × 3.75% = 3.75 ; 6.50 + 3.75 = 10.25
  { name: 'Seattle before the 2025-04-01 change', from: ['US', 'WA'], to: ['US', 'WA', '98104'], amount: 100, date: '2025-03-31', details: [[WA_STATE, 0.065, 6.5], [SEATTLE, 0.0375, 3.75]], tax: 10.25 },
  // taxCalculationDate decides: 2025-03-31 rates on a 2025-06-01 document
  { name: 'Seattle by taxCalculationDate', from: ['US', 'WA'], to: ['US', 'WA', '98101'], amount: 100, header: { taxCalculationDate: '2025-03-31' }, details: [[WA_STATE, 0.065, 6.5], [SEATTLE, 0.0375, 3.75]], tax: 10.25 },
  // ZIP+4 is cut to ZIP5: 98109-1234 → 98109
  { name: 'Seattle ZIP+4', from: ['US', 'WA'], to: ['US', 'WA', '98109-1234'], amount: 20, details: [[WA_STATE, 0.065, 1.3], [SEATTLE, 0.0385, 0.77]], tax: 2.07 },
  // a WA ZIP content has no boundary for: state only, 6.50
  { name: 'Olympia 98501 (no local content): state only', from: ['US', 'WA'], to: ['US', 'WA', '98501'], amount: 100, details: [[WA_STATE, 0.065, 6.5]], tax: 6.5 },
  // interstate → destination LA: 200 × 7.25% = 14.50 ; 200 × 2.5% = 5.00
  { name: 'WA → Los Angeles 90012', from: ['US', 'WA', '98101'], to: ['US', 'CA', '90012'], amount: 200, details: [['CALIFORNIA STATE Sales', 0.0725, 14.5], ['LOS ANGELES COUNTY DISTRICT TAXES SPECIAL Sales', 0.025, 5]], tax: 19.5 },
  // 59.99 × 6.25% = 3.749375 → 3.75 ; × 1.75% = 1.049825 → 1.05 ; × 1.25% = 0.749875 → 0.75 ; × 1% = 0.5999 → 0.60 ; 6.15
  { name: 'NY → Chicago 60601', from: ['US', 'NY'], to: ['US', 'IL', '60601'], amount: 59.99,
    details: [['ILLINOIS STATE Sales', 0.0625, 3.75], ['COOK COUNTY Sales', 0.0175, 1.05], ['CHICAGO CITY Sales', 0.0125, 0.75], ['REGIONAL TRANSPORTATION AUTHORITY (COOK) SPECIAL Sales', 0.01, 0.6]], tax: 6.15 },
  // 4.00 + 4.50 + 0.375 → 0.38 (half-up) = 8.88 — per-detail rounding, not 8.875 on the combined rate
  { name: 'NJ → New York City 10001', from: ['US', 'NJ'], to: ['US', 'NY', '10001'], amount: 100,
    details: [['NEW YORK STATE Sales', 0.04, 4], ['NEW YORK CITY CITY Sales', 0.045, 4.5], ['METROPOLITAN COMMUTER TRANSPORTATION DISTRICT SPECIAL Sales', 0.00375, 0.38]], tax: 8.88 },
  // 2.90 + 4.81 + 1.00 + 0.10 = 8.81
  { name: 'WA → Denver 80202', from: ['US', 'WA'], to: ['US', 'CO', '80202'], amount: 100,
    details: [['COLORADO STATE Sales', 0.029, 2.9], ['DENVER CITY Sales', 0.0481, 4.81], ['REGIONAL TRANSPORTATION DISTRICT SPECIAL Sales', 0.01, 1], ['SCIENTIFIC AND CULTURAL FACILITIES DISTRICT SPECIAL Sales', 0.001, 0.1]], tax: 8.81 },
  // 4.00 + 3.00 + 1.50 + 0.40 = 8.90
  { name: 'FL → Atlanta 30303', from: ['US', 'FL'], to: ['US', 'GA', '30303'], amount: 100,
    details: [['GEORGIA STATE Sales', 0.04, 4], ['FULTON COUNTY Sales', 0.03, 3], ['ATLANTA CITY Sales', 0.015, 1.5], ['ATLANTA TSPLOST SPECIAL Sales', 0.004, 0.4]], tax: 8.9 },
  // AZ is origin-sourced in-state: Phoenix seller → Tucson buyer taxed at Phoenix: 5.60 + 0.70 + 2.30 = 8.60
  { name: 'AZ origin: Phoenix 85004 → Tucson 85701', from: ['US', 'AZ', '85004'], to: ['US', 'AZ', '85701'], amount: 100,
    details: [['ARIZONA STATE Sales', 0.056, 5.6], ['MARICOPA COUNTY Sales', 0.007, 0.7], ['PHOENIX CITY Sales', 0.023, 2.3]], tax: 8.6 },
  // AZ seller shipping out of state: destination WA, 6.50
  { name: 'AZ interstate: Phoenix → WA', from: ['US', 'AZ', '85004'], to: ['US', 'WA'], amount: 100, details: [[WA_STATE, 0.065, 6.5]], tax: 6.5 },
  // CA mixed: state from the origin, district taxes from the destination (SF 94105 has no district content): 7.25
  { name: 'CA mixed: LA seller → San Francisco', from: ['US', 'CA', '90012'], to: ['US', 'CA', '94105'], amount: 100, details: [['CALIFORNIA STATE Sales', 0.0725, 7.25]], tax: 7.25 },
  // CA mixed: district taxes of the LA destination apply: 7.25 + 2.50 = 9.75
  { name: 'CA mixed: SF seller → LA buyer', from: ['US', 'CA', '94105'], to: ['US', 'CA', '90017'], amount: 100, details: [['CALIFORNIA STATE Sales', 0.0725, 7.25], ['LOS ANGELES COUNTY DISTRICT TAXES SPECIAL Sales', 0.025, 2.5]], tax: 9.75 },

  // ---- products (tax codes) ----
  // PA clothing exempt at every level
  { name: 'clothing in PA', from: ['US', 'PA'], to: ['US', 'PA'], amount: 100, line: { avalaraGoodsAndServicesType: 'PC040100' }, details: [['PENNSYLVANIA STATE Sales', 0.06, 0, 'Non-taxable: tax code PC040100 in US-PA']], tax: 0 },
  // PC040402 falls under PC04 (clothing): exempt in MN
  { name: 'clothing sub-code in MN', from: ['US', 'WA'], to: ['US', 'MN'], amount: 100, line: { avalaraGoodsAndServicesType: 'PC040402' }, details: [['MINNESOTA STATE Sales', 0.06875, 0, 'Non-taxable: tax code PC040402 in US-MN']], tax: 0 },
  // clothing is taxable in WA: 6.50
  { name: 'clothing in WA', from: ['US', 'WA'], to: ['US', 'WA'], amount: 100, line: { avalaraGoodsAndServicesType: 'PC040100' }, details: [[WA_STATE, 0.065, 6.5]], tax: 6.5 },
  // groceries exempt in WA, including the Seattle local tax
  { name: 'groceries in Seattle', from: ['US', 'WA'], to: ['US', 'WA', '98101'], amount: 100, line: { avalaraGoodsAndServicesType: 'PF050000' },
    details: [[WA_STATE, 0.065, 0, 'Non-taxable: tax code PF050000 in US-WA'], [SEATTLE, 0.0385, 0, 'Non-taxable: tax code PF050000 in US-WA']], tax: 0 },
  // IL groceries in Chicago (IL DOR ST-62): state 1% instead of 6.25%, Cook County and Chicago home-rule taxes
  // exclude food, RTA 1.25% on food: 1.00 + 0 + 0 + 1.25 = 2.25
  { name: 'groceries in Chicago', from: ['US', 'IL', '60601'], to: ['US', 'IL', '60601'], amount: 100, line: { avalaraGoodsAndServicesType: 'PF050000' },
    details: [['ILLINOIS STATE Sales', 0.01, 1], ['COOK COUNTY Sales', 0.0175, 0, 'Non-taxable: tax code PF050000 in US-IL'], ['CHICAGO CITY Sales', 0.0125, 0, 'Non-taxable: tax code PF050000 in US-IL'], ['REGIONAL TRANSPORTATION AUTHORITY (COOK) SPECIAL Sales', 0.0125, 1.25]], tax: 2.25 },
  // SD taxes groceries at the full 4.2%: 4.20
  { name: 'groceries in SD', from: ['US', 'WA'], to: ['US', 'SD'], amount: 100, line: { avalaraGoodsAndServicesType: 'PF050000' }, details: [['SOUTH DAKOTA STATE Sales', 0.042, 4.2]], tax: 4.2 },
  // AL groceries 3% until 2025-08-31: 3.00
  { name: 'groceries in AL 2025-08-31', from: ['US', 'WA'], to: ['US', 'AL'], amount: 100, date: '2025-08-31', line: { avalaraGoodsAndServicesType: 'PF050000' }, details: [['ALABAMA STATE Sales', 0.03, 3]], tax: 3 },
  // AL groceries 2% from 2025-09-01: 2.00
  { name: 'groceries in AL 2025-09-01', from: ['US', 'WA'], to: ['US', 'AL'], amount: 100, date: '2025-09-01', line: { avalaraGoodsAndServicesType: 'PF050000' }, details: [['ALABAMA STATE Sales', 0.02, 2]], tax: 2 },
  // IL prescription drugs 1%: 250 × 1% = 2.50
  { name: 'prescription drugs in IL', from: ['US', 'WA'], to: ['US', 'IL'], amount: 250, line: { avalaraGoodsAndServicesType: 'PH050100' }, details: [['ILLINOIS STATE Sales', 0.01, 2.5]], tax: 2.5 },
  { name: 'prescription drugs in WA', from: ['US', 'WA'], to: ['US', 'WA'], amount: 250, line: { avalaraGoodsAndServicesType: 'PH050100' }, details: [[WA_STATE, 0.065, 0, 'Non-taxable: tax code PH050100 in US-WA']], tax: 0 },
  // SaaS taxable in NYC: 4.00 + 4.50 + 0.38 = 8.88
  { name: 'SaaS in New York City', from: ['US', 'WA'], to: ['US', 'NY', '10007'], amount: 100, line: { avalaraGoodsAndServicesType: 'SW054000' },
    details: [['NEW YORK STATE Sales', 0.04, 4], ['NEW YORK CITY CITY Sales', 0.045, 4.5], ['METROPOLITAN COMMUTER TRANSPORTATION DISTRICT SPECIAL Sales', 0.00375, 0.38]], tax: 8.88 },
  { name: 'SaaS in CA', from: ['US', 'WA'], to: ['US', 'CA'], amount: 100, line: { avalaraGoodsAndServicesType: 'SW054000' }, details: [['CALIFORNIA STATE Sales', 0.0725, 0, 'Non-taxable: tax code SW054000 in US-CA']], tax: 0 },
  // CT SaaS at 1%: 1.00
  { name: 'SaaS in CT (reduced 1%)', from: ['US', 'WA'], to: ['US', 'CT'], amount: 100, line: { avalaraGoodsAndServicesType: 'SW054000' }, details: [['CONNECTICUT STATE Sales', 0.01, 1]], tax: 1 },
  { name: 'freight in CA', from: ['US', 'WA'], to: ['US', 'CA'], amount: 15, line: { avalaraGoodsAndServicesType: 'FR020100' }, details: [['CALIFORNIA STATE Sales', 0.0725, 0, 'Non-taxable: tax code FR020100 in US-CA']], tax: 0 },
  // NY taxes freight: 15 × 4% = 0.60
  { name: 'freight in NY', from: ['US', 'WA'], to: ['US', 'NY'], amount: 15, line: { avalaraGoodsAndServicesType: 'FR020100' }, details: [['NEW YORK STATE Sales', 0.04, 0.6]], tax: 0.6 },
  // HI general excise on services: 4.00
  { name: 'services in HI', from: ['US', 'WA'], to: ['US', 'HI'], amount: 100, line: { avalaraGoodsAndServicesType: 'S0000000' }, details: [['HAWAII STATE Sales', 0.04, 4]], tax: 4 },
  { name: 'non-taxable NT', from: ['US', 'WA'], to: ['US', 'WA'], amount: 100, line: { avalaraGoodsAndServicesType: 'NT' }, details: [[WA_STATE, 0.065, 0, 'Non-taxable: tax code NT in US-WA']], tax: 0 },
  // item catalogue: SHIRT → PC040100, exempt in PA
  { name: 'item code mapped to clothing', from: ['US', 'PA'], to: ['US', 'PA'], amount: 100, line: { itemCode: 'SHIRT' },
    company: { items: [{ itemCode: 'SHIRT', taxCode: 'PC040100' }] }, details: [['PENNSYLVANIA STATE Sales', 0.06, 0, 'Non-taxable: tax code PC040100 in US-PA']], tax: 0 },
  // unknown item → fallback item GROCERY → PF050000, exempt in WA
  { name: 'unknown item uses the fallback item', from: ['US', 'WA'], to: ['US', 'WA'], amount: 100, line: { itemCode: 'NEW-SKU' },
    company: { items: [{ itemCode: 'GROCERY', taxCode: 'PF050000' }], fallbackItemCode: 'GROCERY' }, details: [[WA_STATE, 0.065, 0, 'Non-taxable: tax code PF050000 in US-WA']], tax: 0 },
  // the line's own avalaraGoodsAndServicesType wins over the mapping: P0000000 taxable 6.50
  { name: 'line tax code wins over the item mapping', from: ['US', 'PA'], to: ['US', 'PA'], amount: 100, line: { itemCode: 'SHIRT', avalaraGoodsAndServicesType: 'P0000000' },
    company: { items: [{ itemCode: 'SHIRT', taxCode: 'PC040100' }] }, details: [['PENNSYLVANIA STATE Sales', 0.06, 6]], tax: 6 },

  // ---- nexus ----
  // state nexus without local nexus: state 6.50 only, Seattle "No nexus"
  { name: 'WA nexus, no local nexus', from: ['US', 'WA'], to: ['US', 'WA', '98101'], amount: 100, company: { nexus: [nexus('WA')] }, details: [[WA_STATE, 0.065, 6.5], [SEATTLE, 0.0385, 0, 'No nexus']], tax: 6.5 },
  { name: 'WA nexus with all local nexus', from: ['US', 'WA'], to: ['US', 'WA', '98101'], amount: 100, company: { nexus: [nexus('WA', { hasLocalNexus: true, localNexusTypeId: 'All' })] }, details: [[WA_STATE, 0.065, 6.5], [SEATTLE, 0.0385, 3.85]], tax: 10.35 },
  // StateAdministered: Denver (home rule, self-collected) excluded: 2.90 + 1.00 + 0.10 = 4.00
  { name: 'CO state-administered locals only', from: ['US', 'WA'], to: ['US', 'CO', '80202'], amount: 100, company: { nexus: [nexus('CO', { hasLocalNexus: true, localNexusTypeId: 'StateAdministered' })] },
    details: [['COLORADO STATE Sales', 0.029, 2.9], ['DENVER CITY Sales', 0.0481, 0, 'No nexus'], ['REGIONAL TRANSPORTATION DISTRICT SPECIAL Sales', 0.01, 1], ['SCIENTIFIC AND CULTURAL FACILITIES DISTRICT SPECIAL Sales', 0.001, 0.1]], tax: 4 },
  // Selected: only the declared Denver city: 2.90 + 4.81 = 7.71
  { name: 'CO selected local: Denver declared', from: ['US', 'WA'], to: ['US', 'CO', '80202'], amount: 100,
    company: { nexus: [nexus('CO', { hasLocalNexus: true, localNexusTypeId: 'Selected' }), nexus('CO', { jurisTypeId: 'CIT', jurisCode: '0820000' })] },
    details: [['COLORADO STATE Sales', 0.029, 2.9], ['DENVER CITY Sales', 0.0481, 4.81], ['REGIONAL TRANSPORTATION DISTRICT SPECIAL Sales', 0.01, 0, 'No nexus'], ['SCIENTIFIC AND CULTURAL FACILITIES DISTRICT SPECIAL Sales', 0.001, 0, 'No nexus']], tax: 7.71 },
  { name: 'nexus ended before the tax date', from: ['US', 'WA'], to: ['US', 'WA'], amount: 100, company: { nexus: [nexus('WA', { endDate: '2025-05-31' })] }, details: [[WA_STATE, 0.065, 0, 'No nexus']], tax: 0 },
  { name: "nexusTypeId 'None'", from: ['US', 'WA'], to: ['US', 'WA'], amount: 100, company: { nexus: [nexus('WA', { nexusTypeId: 'None' })] }, details: [[WA_STATE, 0.065, 0, 'No nexus']], tax: 0 },
  { name: 'consumer-use-only nexus does not cover a sale', from: ['US', 'WA'], to: ['US', 'WA'], amount: 100, company: { nexus: [nexus('WA', { nexusTypeId: 'ConsumersUseTax' })] }, details: [[WA_STATE, 0.065, 0, 'No nexus']], tax: 0 },
  // purchase: consumer use tax at the place of use (destination), 6.50 + 3.85
  { name: 'purchase: consumer use tax in Seattle', from: ['US', 'OR'], to: ['US', 'WA', '98101'], amount: 100, header: { transactionType: 'Purchase', vendorCode: 'V1' },
    company: { nexus: [nexus('WA', { nexusTypeId: 'ConsumersUseTax', hasLocalNexus: true })] }, details: [['WASHINGTON STATE Use', 0.065, 6.5], ['SEATTLE CITY Use', 0.0385, 3.85]], tax: 10.35 },

  // ---- exemptions and certificates ----
  { name: 'certificate on file for the customer and state', from: ['US', 'WA'], to: ['US', 'WA'], amount: 100, company: { certificates: [cert('C-1', 'CUST-1', 'WA')] }, details: [[WA_STATE, 0.065, 0, 'Exemption certificate C-1']], tax: 0 },
  { name: 'certificate with entity use code and reason', from: ['US', 'WA'], to: ['US', 'WA'], amount: 100, company: { certificates: [cert('C-2', 'CUST-1', 'Washington', { entityUseCode: 'g', exemptionReason: 'Resale certificate' })] },
    details: [[WA_STATE, 0.065, 0, 'Exemption certificate C-2 (Entity use code G (Resale)): Resale certificate']], tax: 0 },
  { name: 'expired certificate is ignored', from: ['US', 'WA'], to: ['US', 'WA'], amount: 100, date: '2026-01-01', company: { certificates: [cert('C-1', 'CUST-1', 'WA')] }, details: [[WA_STATE, 0.065, 6.5]], tax: 6.5 },
  { name: 'certificate for another state is ignored', from: ['US', 'WA'], to: ['US', 'WA'], amount: 100, company: { certificates: [cert('C-1', 'CUST-1', 'OR')] }, details: [[WA_STATE, 0.065, 6.5]], tax: 6.5 },
  { name: 'certificate linked to the customer as a further customer', from: ['US', 'WA'], to: ['US', 'WA'], amount: 100, company: { certificates: [cert('C-3', '', 'WA', { customerCodes: ['CUST-9', 'CUST-1'] })] }, details: [[WA_STATE, 0.065, 0, 'Exemption certificate C-3']], tax: 0 },
  { name: 'certificate created without a customer exempts nobody', from: ['US', 'WA'], to: ['US', 'WA'], amount: 100, company: { certificates: [cert('C-4', '', 'WA')] }, details: [[WA_STATE, 0.065, 6.5]], tax: 6.5 },
  { name: 'certificate of another customer is ignored', from: ['US', 'WA'], to: ['US', 'WA'], amount: 100, company: { certificates: [cert('C-1', 'CUST-2', 'WA')] }, details: [[WA_STATE, 0.065, 6.5]], tax: 6.5 },
  { name: 'entity use code E on the line', from: ['US', 'WA'], to: ['US', 'WA', '98101'], amount: 100, line: { entityUseType: 'E' },
    details: [[WA_STATE, 0.065, 0, 'Entity use code E (Charitable Organization)'], [SEATTLE, 0.0385, 0, 'Entity use code E (Charitable Organization)']], tax: 0 },
  { name: 'transfer between company locations', from: ['US', 'WA'], to: ['US', 'WA'], amount: 100, header: { transactionType: 'Transfer' }, details: [[WA_STATE, 0.065, 0, 'Non-taxable: transfer between company locations']], tax: 0 },

  // ---- overrides, taxIncluded, returns, currency ----
  // 10.00 over rates .065 / .0385 (sum .1035): 6.2802 → 6.28 ; 3.7198 → 3.72 ; = 10.00
  { name: 'line override split over Seattle details by rate', from: ['US', 'WA'], to: ['US', 'WA', '98101'], amount: 100, line: { taxOverrideAmount: 10 }, details: [[WA_STATE, 0.065, 6.28], [SEATTLE, 0.0385, 3.72]], tax: 10 },
  // 110.35 / 1.1035 = 100.00 exactly → 6.50 + 3.85
  { name: 'taxIncluded in Seattle', from: ['US', 'WA'], to: ['US', 'WA', '98101'], amount: 110.35, line: { taxIncluded: true }, details: [[WA_STATE, 0.065, 6.5], [SEATTLE, 0.0385, 3.85]], tax: 10.35 },
  // 10 / 1.1025 = 9.0703 → 9.07 ; 0.566875 → 0.57, 0.158725 → 0.16, 0.113375 → 0.11, 0.0907 → 0.09 ; 9.07 + 0.93 = 10.00
  { name: 'taxIncluded in Chicago', from: ['US', 'NY'], to: ['US', 'IL', '60601'], amount: 10, line: { taxIncluded: true },
    details: [['ILLINOIS STATE Sales', 0.0625, 0.57], ['COOK COUNTY Sales', 0.0175, 0.16], ['CHICAGO CITY Sales', 0.0125, 0.11], ['REGIONAL TRANSPORTATION AUTHORITY (COOK) SPECIAL Sales', 0.01, 0.09]], tax: 0.93 },
  // return (documentType ReturnInvoice, amount positive): liability −100 × 6.5% = −6.50
  { name: 'return invoice', from: ['US', 'WA'], to: ['US', 'WA'], amount: 100, header: { metadata: { documentType: 'ReturnInvoice' } }, details: [[WA_STATE, 0.065, -6.5]], tax: -6.5 },
  // negative amount: −32.50 × 6.5% = −2.1125 → −2.11 (half-up away from zero mirrors the sale)
  { name: 'negative amount', from: ['US', 'WA'], to: ['US', 'WA'], amount: -32.5, details: [[WA_STATE, 0.065, -2.11]], tax: -2.11 },
  // JPY: 1000 × 6.5% = 65 ; 1000 × 3.85% = 38.5 → 39 ; 104
  { name: 'JPY in Seattle (0 decimals)', from: ['US', 'WA'], to: ['US', 'WA', '98101'], amount: 1000, header: { currency: 'JPY' }, details: [[WA_STATE, 0.065, 65], [SEATTLE, 0.0385, 39]], tax: 104 },

  // ---- VAT / GST ----
  // DE seller → FR consumer: FR VAT 20% → 20.00
  { name: 'EU B2C cross-border: FR VAT', from: ['DEU', undefined], to: ['FRA', undefined], amount: 100, header: { currency: 'EUR' }, details: [['FRANCE VAT Standard', 0.2, 20]], tax: 20 },
  { name: 'EU B2B cross-border with buyer tax id: reverse charge', from: ['DE', undefined], to: ['FR', undefined], amount: 100, header: { currency: 'EUR', metadata: { buyerTaxId: 'FR12345678901' } },
    details: [['FRANCE VAT Standard', 0.2, 0, 'Reverse charge: VAT accounted for by the buyer (FR12345678901)']], tax: 0 },
  // domestic B2B keeps VAT: 19.00
  { name: 'domestic B2B with buyer tax id: VAT charged', from: ['DE', undefined], to: ['DE', undefined], amount: 100, header: { currency: 'EUR', metadata: { buyerTaxId: 'DE123456789' } }, details: [['GERMANY VAT Standard', 0.19, 19]], tax: 19 },
  // Germany's temporary 16% in 2020-H2
  { name: 'DE 16% on 2020-12-01', from: ['DE', undefined], to: ['DE', undefined], amount: 100, date: '2020-12-01', header: { currency: 'EUR' }, details: [['GERMANY VAT Standard', 0.16, 16]], tax: 16 },
  // FR food at 5.5%: 5.50
  { name: 'FR groceries at the reduced rate', from: ['FR', undefined], to: ['France', undefined], amount: 100, header: { currency: 'EUR' }, line: { avalaraGoodsAndServicesType: 'PF050000' }, details: [['FRANCE VAT Standard', 0.055, 5.5]], tax: 5.5 },
  // UK food zero-rated: rate 0, not exempt
  { name: 'UK groceries zero-rated', from: ['GB', undefined], to: ['GBR', undefined], amount: 100, header: { currency: 'GBP' }, line: { avalaraGoodsAndServicesType: 'PF050000' }, details: [['UNITED KINGDOM VAT Standard', 0, 0]], tax: 0 },
  { name: 'Canada ON HST 13%', from: ['CA', 'ON'], to: ['CAN', 'ON'], amount: 100, header: { currency: 'CAD' }, details: [['CANADA HST', 0.13, 13]], tax: 13 },
  // BC: GST 5.00 + PST 7.00 = 12.00
  { name: 'Canada BC GST + PST', from: ['CA', 'ON'], to: ['CA', 'BC'], amount: 100, header: { currency: 'CAD' }, details: [['CANADA GST', 0.05, 5], ['BRITISH COLUMBIA PST', 0.07, 7]], tax: 12 },
  // QC: 5.00 + 100 × 9.975% = 9.975 → 9.98 ; 14.98
  { name: 'Canada QC GST + QST', from: ['CA', 'QC'], to: ['CA', 'QC'], amount: 100, header: { currency: 'CAD' }, details: [['CANADA GST', 0.05, 5], ['QUEBEC QST', 0.09975, 9.98]], tax: 14.98 },
  { name: 'Canada groceries zero-rated (exempt)', from: ['CA', 'ON'], to: ['CA', 'ON'], amount: 100, header: { currency: 'CAD' }, line: { avalaraGoodsAndServicesType: 'PF050000' }, details: [['CANADA HST', 0.13, 0, 'Non-taxable: tax code PF050000 in CA-ON']], tax: 0 },
  { name: 'Australia GST 10%', from: ['AU', undefined], to: ['AUS', undefined], amount: 100, header: { currency: 'AUD' }, details: [['AUSTRALIA GST Standard', 0.1, 10]], tax: 10 },
  { name: 'no VAT registration in FR: no nexus', from: ['DE', undefined], to: ['FR', undefined], amount: 100, header: { currency: 'EUR' }, company: { nexus: [nexus('WA')] }, details: [['FRANCE VAT Standard', 0.2, 0, 'No nexus']], tax: 0 },
  // ---- rule kinds (content: taxability.json, sales-tax-holidays.json; sources cited there) ----
  // NY clothing under $110 per item (Tax Law 1115(a)(30), Pub 718-C): state, NYC and MCTD exempt: 0
  { name: 'NYC clothing $50: exempt under $110', from: ['US', 'NJ'], to: ['US', 'NY', '10001'], amount: 50, line: { avalaraGoodsAndServicesType: 'PC040100' },
    details: [['NEW YORK STATE Sales', 0.04, 0, 'Non-taxable: tax code PC040100 in US-NY'], ['NEW YORK CITY CITY Sales', 0.045, 0, 'Non-taxable: tax code PC040100 in US-NY'], ['METROPOLITAN COMMUTER TRANSPORTATION DISTRICT SPECIAL Sales', 0.00375, 0, 'Non-taxable: tax code PC040100 in US-NY']], tax: 0 },
  // $110 is not under $110: 4.40 + 4.95 + 110 × 0.375% = 0.4125 → 0.41 = 9.76
  { name: 'NYC clothing $110: taxed in full', from: ['US', 'NJ'], to: ['US', 'NY', '10001'], amount: 110, line: { avalaraGoodsAndServicesType: 'PC040100' },
    details: [['NEW YORK STATE Sales', 0.04, 4.4], ['NEW YORK CITY CITY Sales', 0.045, 4.95], ['METROPOLITAN COMMUTER TRANSPORTATION DISTRICT SPECIAL Sales', 0.00375, 0.41]], tax: 9.76 },
  // the threshold is per item: 2 × $60 = $120, each under $110: 0
  { name: 'NYC clothing 2 × $60: per item under $110', from: ['US', 'NJ'], to: ['US', 'NY', '10001'], amount: 120, line: { avalaraGoodsAndServicesType: 'PC040100', quantity: 2 },
    details: [['NEW YORK STATE Sales', 0.04, 0, 'Non-taxable: tax code PC040100 in US-NY'], ['NEW YORK CITY CITY Sales', 0.045, 0, 'Non-taxable: tax code PC040100 in US-NY'], ['METROPOLITAN COMMUTER TRANSPORTATION DISTRICT SPECIAL Sales', 0.00375, 0, 'Non-taxable: tax code PC040100 in US-NY']], tax: 0 },
  // 2011: NYC exempt on its own, state 4% = 2.00 and MCTD 50 × 0.375% = 0.1875 → 0.19 taxed: 2.19
  { name: 'NYC clothing $50 in 2011: only the city exempts it', from: ['US', 'NJ'], to: ['US', 'NY', '10001'], amount: 50, date: '2011-06-01', line: { avalaraGoodsAndServicesType: 'PC040100' },
    details: [['NEW YORK STATE Sales', 0.04, 2], ['NEW YORK CITY CITY Sales', 0.045, 0, 'Non-taxable: tax code PC040100 in US-NY'], ['METROPOLITAN COMMUTER TRANSPORTATION DISTRICT SPECIAL Sales', 0.00375, 0.19]], tax: 2.19 },
  // MA clothing taxed on the part over $175 (M.G.L. c. 64H 6(k)): (200 − 175) × 6.25% = 1.5625 → 1.56
  { name: 'MA clothing $200: tax on $25 over $175', from: ['US', 'MA'], to: ['US', 'MA'], amount: 200, line: { avalaraGoodsAndServicesType: 'PC040100' }, details: [['MASSACHUSETTS STATE Sales', 0.0625, 1.56]], tax: 1.56 },
  // MA clothing $150: nothing over $175: 0
  { name: 'MA clothing $150: under the threshold', from: ['US', 'MA'], to: ['US', 'MA'], amount: 150, line: { avalaraGoodsAndServicesType: 'PC040100' }, details: [['MASSACHUSETTS STATE Sales', 0.0625, 0]], tax: 0 },
  // RI clothing from 2012-10-01 over $250: (300 − 250) × 7% = 3.50
  { name: 'RI clothing $300: tax on $50 over $250', from: ['US', 'RI'], to: ['US', 'RI'], amount: 300, line: { avalaraGoodsAndServicesType: 'PC040100' }, details: [['RHODE ISLAND STATE Sales', 0.07, 3.5]], tax: 3.5 },
  // RI clothing before 2012-10-01: exempt in full
  { name: 'RI clothing $300 on 2012-09-30: exempt', from: ['US', 'RI'], to: ['US', 'RI'], amount: 300, date: '2012-09-30', line: { avalaraGoodsAndServicesType: 'PC040100' }, details: [['RHODE ISLAND STATE Sales', 0.07, 0, 'Non-taxable: tax code PC040100 in US-RI']], tax: 0 },
  // TX SaaS (Tax Code 151.351): 80% of 100 = 80 × 6.25% = 5.00
  { name: 'TX SaaS: 80% taxable', from: ['US', 'TX'], to: ['US', 'TX'], amount: 100, line: { avalaraGoodsAndServicesType: 'SW054000' }, details: [['TEXAS STATE Sales', 0.0625, 5]], tax: 5 },
  // KY SaaS: not taxable before 2023, 6% from 2023-01-01 (H.B. 8)
  { name: 'KY SaaS 2022: exempt', from: ['US', 'KY'], to: ['US', 'KY'], amount: 100, date: '2022-06-01', line: { avalaraGoodsAndServicesType: 'SW054000' }, details: [['KENTUCKY STATE Sales', 0.06, 0, 'Non-taxable: tax code SW054000 in US-KY']], tax: 0 },
  { name: 'KY SaaS 2023: 6%', from: ['US', 'KY'], to: ['US', 'KY'], amount: 100, date: '2023-06-01', line: { avalaraGoodsAndServicesType: 'SW054000' }, details: [['KENTUCKY STATE Sales', 0.06, 6]], tax: 6 },
  // TN single article (67-6-702, 67-6-202), Nashville: 3000 × 7% = 210 ; (3000 − 1600) × 2.75% = 38.50 ; 1600 × 2.25% = 36 ; 284.50
  { name: 'TN $3,000 TV in Nashville: single-article cap and tier', from: ['US', 'TN', '37203'], to: ['US', 'TN', '37203'], amount: 3000,
    details: [['TENNESSEE STATE Sales', 0.07, 210], ['TENNESSEE STATE SINGLE ARTICLE Sales', 0.0275, 38.5], ['DAVIDSON COUNTY Sales', 0.0225, 36]], tax: 284.5 },
  // under $1,600: 70 + 22.50 = 92.50, no single-article tax
  { name: 'TN $1,000 in Nashville: under the cap', from: ['US', 'TN', '37203'], to: ['US', 'TN', '37203'], amount: 1000, details: [['TENNESSEE STATE Sales', 0.07, 70], ['DAVIDSON COUNTY Sales', 0.0225, 22.5]], tax: 92.5 },
  // over $3,200: 350 + (3200 − 1600) × 2.75% = 44 + 36 = 430
  { name: 'TN $5,000 in Nashville: tier capped at $3,200', from: ['US', 'TN', '37203'], to: ['US', 'TN', '37203'], amount: 5000,
    details: [['TENNESSEE STATE Sales', 0.07, 350], ['TENNESSEE STATE SINGLE ARTICLE Sales', 0.0275, 44], ['DAVIDSON COUNTY Sales', 0.0225, 36]], tax: 430 },
  // per article: 2 × $2,000: 280 ; 2 × 400 × 2.75% = 22 ; 2 × 1600 × 2.25% = 72 ; 374
  { name: 'TN 2 × $2,000: cap per article', from: ['US', 'TN', '37203'], to: ['US', 'TN', '37203'], amount: 4000, line: { quantity: 2 },
    details: [['TENNESSEE STATE Sales', 0.07, 280], ['TENNESSEE STATE SINGLE ARTICLE Sales', 0.0275, 22], ['DAVIDSON COUNTY Sales', 0.0225, 72]], tax: 374 },
  // TN food: state 4% (from 2017-07-01), local in full: 4.00 + 2.25 = 6.25 ; in 2015 state 5%: 7.25
  { name: 'TN groceries in Nashville', from: ['US', 'TN', '37203'], to: ['US', 'TN', '37203'], amount: 100, line: { avalaraGoodsAndServicesType: 'PF050000' }, details: [['TENNESSEE STATE Sales', 0.04, 4], ['DAVIDSON COUNTY Sales', 0.0225, 2.25]], tax: 6.25 },
  { name: 'TN groceries in Nashville, 2015', from: ['US', 'TN', '37203'], to: ['US', 'TN', '37203'], amount: 100, date: '2015-06-01', line: { avalaraGoodsAndServicesType: 'PF050000' }, details: [['TENNESSEE STATE Sales', 0.05, 5], ['DAVIDSON COUNTY Sales', 0.0225, 2.25]], tax: 7.25 },
  // Chicago prescriptions like food: 1.00 state + 1.25 RTA = 2.25
  { name: 'prescriptions in Chicago', from: ['US', 'IL', '60601'], to: ['US', 'IL', '60601'], amount: 100, line: { avalaraGoodsAndServicesType: 'PH050100' },
    details: [['ILLINOIS STATE Sales', 0.01, 1], ['COOK COUNTY Sales', 0.0175, 0, 'Non-taxable: tax code PH050100 in US-IL'], ['CHICAGO CITY Sales', 0.0125, 0, 'Non-taxable: tax code PH050100 in US-IL'], ['REGIONAL TRANSPORTATION AUTHORITY (COOK) SPECIAL Sales', 0.0125, 1.25]], tax: 2.25 },
  // IL groceries from 2026-01-01 (P.A. 103-0781): state 0, RTA 1.25 remains: 1.25
  { name: 'groceries in Chicago, 2026', from: ['US', 'IL', '60601'], to: ['US', 'IL', '60601'], amount: 100, date: '2026-03-01', line: { avalaraGoodsAndServicesType: 'PF050000' },
    details: [['ILLINOIS STATE Sales', 0.0625, 0, 'Non-taxable: tax code PF050000 in US-IL'], ['COOK COUNTY Sales', 0.0175, 0, 'Non-taxable: tax code PF050000 in US-IL'], ['CHICAGO CITY Sales', 0.0125, 0, 'Non-taxable: tax code PF050000 in US-IL'], ['REGIONAL TRANSPORTATION AUTHORITY (COOK) SPECIAL Sales', 0.0125, 1.25]], tax: 1.25 },
  // food rates before the current ones: AR 1.5% in 2015 ; VA 2.5% in 2020 ; KS 2% in 2024-03
  { name: 'AR groceries 2015: 1.5%', from: ['US', 'AR'], to: ['US', 'AR'], amount: 100, date: '2015-06-01', line: { avalaraGoodsAndServicesType: 'PF050000' }, details: [['ARKANSAS STATE Sales', 0.015, 1.5]], tax: 1.5 },
  { name: 'VA groceries 2020: 2.5%', from: ['US', 'VA'], to: ['US', 'VA'], amount: 100, date: '2020-06-01', line: { avalaraGoodsAndServicesType: 'PF050000' }, details: [['VIRGINIA STATE Sales', 0.025, 2.5]], tax: 2.5 },
  { name: 'KS groceries 2024-03: 2%', from: ['US', 'KS'], to: ['US', 'KS'], amount: 100, date: '2024-03-01', line: { avalaraGoodsAndServicesType: 'PF050000' }, details: [['KANSAS STATE Sales', 0.02, 2]], tax: 2 },
  // TX holiday 2025-08-08..10, items under $100: 0 ; $100 is not under $100: 6.25 ; after the holiday 50 × 6.25% = 3.125 → 3.13
  { name: 'TX holiday: $50 shirt', from: ['US', 'TX'], to: ['US', 'TX'], amount: 50, date: '2025-08-09', line: { avalaraGoodsAndServicesType: 'PC040100' }, details: [['TEXAS STATE Sales', 0.0625, 0, 'Non-taxable: Texas sales tax holiday 2025']], tax: 0 },
  { name: 'TX holiday: $100 jacket is taxed', from: ['US', 'TX'], to: ['US', 'TX'], amount: 100, date: '2025-08-09', line: { avalaraGoodsAndServicesType: 'PC040100' }, details: [['TEXAS STATE Sales', 0.0625, 6.25]], tax: 6.25 },
  { name: 'TX after the holiday: $50 shirt', from: ['US', 'TX'], to: ['US', 'TX'], amount: 50, date: '2025-08-11', line: { avalaraGoodsAndServicesType: 'PC040100' }, details: [['TEXAS STATE Sales', 0.0625, 3.13]], tax: 3.13 },
  // FL August 2025, $100 or less: 0 ; 100.01 × 6% = 6.0006 → 6.00
  { name: 'FL holiday: $100 at the limit', from: ['US', 'FL'], to: ['US', 'FL'], amount: 100, date: '2025-08-15', line: { avalaraGoodsAndServicesType: 'PC040100' }, details: [['FLORIDA STATE Sales', 0.06, 0, 'Non-taxable: Florida back-to-school holiday 2025']], tax: 0 },
  { name: 'FL holiday: $100.01 over the limit', from: ['US', 'FL'], to: ['US', 'FL'], amount: 100.01, date: '2025-08-15', line: { avalaraGoodsAndServicesType: 'PC040100' }, details: [['FLORIDA STATE Sales', 0.06, 6]], tax: 6 },
  // MA holiday 2025-08-09..10, any item ≤ $2,500: 0 ; the Monday after: 2000 × 6.25% = 125
  { name: 'MA holiday: $2,000 TV', from: ['US', 'MA'], to: ['US', 'MA'], amount: 2000, date: '2025-08-09', details: [['MASSACHUSETTS STATE Sales', 0.0625, 0, 'Non-taxable: Massachusetts sales tax holiday 2025']], tax: 0 },
  { name: 'MA after the holiday: $2,000 TV', from: ['US', 'MA'], to: ['US', 'MA'], amount: 2000, date: '2025-08-11', details: [['MASSACHUSETTS STATE Sales', 0.0625, 125]], tax: 125 },

  // ---- combined-rate rounding (WA, CA: one published rate per location) ----
  // Seattle $1.00: 1 × 10.35% = 0.1035 → 0.10 ; split 0.065 / 0.0385 → 0.06 / 0.04 (largest remainder) — not 0.07 + 0.04 = 0.11
  { name: 'Seattle $1.00: rounded once on 10.35%', from: ['US', 'WA'], to: ['US', 'WA', '98101'], amount: 1, details: [[WA_STATE, 0.065, 0.06], [SEATTLE, 0.0385, 0.04]], tax: 0.1 },
  // $0.50: 0.05175 → 0.05 ; 0.0325 / 0.01925 → floors 0.03 / 0.01, the cent left goes to the larger remainder (.925): 0.03 / 0.02
  { name: 'Seattle $0.50: split by largest remainder', from: ['US', 'WA'], to: ['US', 'WA', '98101'], amount: 0.5, details: [[WA_STATE, 0.065, 0.03], [SEATTLE, 0.0385, 0.02]], tax: 0.05 },
  // LA $1.00: 9.75% → 0.0975 → 0.10 ; 0.0725 / 0.025 → 0.07 / 0.03
  { name: 'Los Angeles $1.00: rounded once on 9.75%', from: ['US', 'WA'], to: ['US', 'CA', '90012'], amount: 1, details: [['CALIFORNIA STATE Sales', 0.0725, 0.07], ['LOS ANGELES COUNTY DISTRICT TAXES SPECIAL Sales', 0.025, 0.03]], tax: 0.1 },

  // ---- history back to 2014 ----
  // UT 2015: 4.70% + 1.25% = 5.95%
  { name: 'UT 2015: 5.95%', from: ['US', 'UT'], to: ['US', 'UT'], amount: 100, date: '2015-06-01', details: [['UTAH STATE Sales', 0.0595, 5.95]], tax: 5.95 },
  // Seattle: 9.6% in 2016, 10.1% in 2018
  { name: 'Seattle 2016: 9.6%', from: ['US', 'WA'], to: ['US', 'WA', '98101'], amount: 100, date: '2016-06-01', details: [[WA_STATE, 0.065, 6.5], [SEATTLE, 0.031, 3.1]], tax: 9.6 },
  { name: 'Seattle 2018: 10.1%', from: ['US', 'WA'], to: ['US', 'WA', '98101'], amount: 100, date: '2018-06-01', details: [[WA_STATE, 0.065, 6.5], [SEATTLE, 0.036, 3.6]], tax: 10.1 },
  // Los Angeles 2016: 7.5% + 1.5% = 9.0%
  { name: 'Los Angeles 2016: 9.0%', from: ['US', 'WA'], to: ['US', 'CA', '90012'], amount: 100, date: '2016-06-01', details: [['CALIFORNIA STATE Sales', 0.075, 7.5], ['LOS ANGELES COUNTY DISTRICT TAXES SPECIAL Sales', 0.015, 1.5]], tax: 9 },
  // Chicago 2015: 6.25 + 0.75 + 1.25 + 1.00 = 9.25
  { name: 'Chicago 2015: 9.25%', from: ['US', 'IL', '60601'], to: ['US', 'IL', '60601'], amount: 100, date: '2015-06-01',
    details: [['ILLINOIS STATE Sales', 0.0625, 6.25], ['COOK COUNTY Sales', 0.0075, 0.75], ['CHICAGO CITY Sales', 0.0125, 1.25], ['REGIONAL TRANSPORTATION AUTHORITY (COOK) SPECIAL Sales', 0.01, 1]], tax: 9.25 },
];

describe('worked cases', () => {
  it('has at least 40 cases', () => expect(cases.length).toBeGreaterThanOrEqual(40));

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const out = run(c);
    const t = out.lines[0].calculatedTax;
    const details = t.taxAuthorities.flatMap((a) => a.details);
    expect(details.map((d) => [d.taxType, d.rate, d.tax, d.exemptionReason].filter((x, i) => i < 3 || x !== undefined))).toEqual(
      c.details.map((d) => d.filter((x) => x !== undefined)),
    );
    expect(t.appliedTax).toBe(c.tax);
    expect(out.calculatedTaxSummary.tax).toBe(c.tax);
    for (const d of details) {
      expect(d.exempt).toBe(d.exemptionReason !== undefined);
      if (d.exemptionReason) expect(exemptionCategoryOf(d.exemptionReason)).toBeDefined();
    }
  });
});

describe('exemption reason categories', () => {
  it.each`
    reason                                                          | category
    ${'No nexus'}                                                   | ${'no_nexus'}
    ${'Exemption certificate C-1'}                                  | ${'certificate_or_entity_use'}
    ${'Entity use code E (Charitable Organization)'}                | ${'certificate_or_entity_use'}
    ${'Tax payer code on file'}                                     | ${'certificate_or_entity_use'}
    ${'Non-taxable: tax code PF050000 in US-WA'}                    | ${'non_taxable'}
    ${'Non-taxable: transfer between company locations'}            | ${'non_taxable'}
    ${'Reverse charge: VAT accounted for by the buyer (FR1)'}       | ${'other'}
  `('$reason → $category', ({ reason, category }) => {
    expect(exemptionCategoryOf(reason)).toBe(category);
  });
});

describe('return documents', () => {
  it('a ReturnInvoice with positive amounts records negative subtotal, tax and grand total', () => {
    // 100 + 50 returned in WA: −6.50 − 3.25 = −9.75 ; grand −159.75
    const out = calculateTax(
      {
        header: { companyCode: 'C1', transactionType: 'Sale', customerCode: 'X', transactionDate: '2025-06-01', metadata: { documentType: 'ReturnInvoice' }, defaultLocations: { shipTo: loc(['US', 'WA']) } },
        lines: [
          { lineCode: '1', itemCode: 'A', itemDescription: 'a', extendedAmount: 100 },
          { lineCode: '2', itemCode: 'B', itemDescription: 'b', extendedAmount: 50, taxOverrideAmount: 3.25 },
        ],
      },
      { companyCode: 'C1' },
      content,
    ).document;
    expect(out.lines.map((l) => l.extendedAmount)).toEqual([100, 50]);
    expect(out.calculatedTaxSummary).toMatchObject({ subtotal: -150, subtotalTaxable: -150, tax: -9.75, grandTotal: -159.75 });
  });
});
