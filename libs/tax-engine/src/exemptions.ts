/** Exemption reasons the engine writes on details, and the filing-report category of each. */
import type { CompanySetup, ExemptionCategory, ExemptionCertificate } from './engine.types';
import type { EntityUseType, TaxDocumentHeader, TaxDocumentLine } from './tax-document';
import { normaliseCountry, resolveUsState } from './geo';
import { activeOn, nonEmpty } from './util';

/** Entity use type descriptions (seed header table), used in exemption reasons. */
export const ENTITY_USE_DESCRIPTIONS: Readonly<Record<EntityUseType, string>> = {
  A: 'Federal Government',
  B: 'State/Local Govt.',
  C: 'Tribal Government',
  D: 'Foreign Diplomat',
  E: 'Charitable Organization',
  F: 'Religious/Education',
  G: 'Resale',
  H: 'Agricultural Production',
  I: 'Industrial Prod/Mfg.',
  J: 'Direct Pay Permit',
  K: 'Direct Mail',
  L: 'Other',
  N: 'Local Government',
  P: 'Commercial Aquaculture',
  Q: 'Commercial Fishery',
  R: 'Non-resident',
};

export const EXEMPTION_NO_NEXUS = 'No nexus';
export const EXEMPTION_TAX_PAYER_CODE = 'Tax payer code on file';
export const entityUseExemptionReason = (code: string): string =>
  `Entity use code ${code}${code in ENTITY_USE_DESCRIPTIONS ? ` (${ENTITY_USE_DESCRIPTIONS[code as EntityUseType]})` : ''}`;

/** Default tax code: tangible personal property. */
export const DEFAULT_TAX_CODE = 'P0000000';
export const EXEMPTION_TRANSFER = 'Non-taxable: transfer between company locations';
export const EXEMPTION_REVERSE_CHARGE = 'Reverse charge: VAT accounted for by the buyer';
/** header.metadata.documentType values that make a document a return (amounts positive, liability negative). */
export const RETURN_DOCUMENT_TYPES: ReadonlySet<string> = new Set(['ReturnInvoice', 'ReturnOrder', 'Return']);
/** Metadata keys (header or line) that carry the buyer's VAT/GST registration number. */
export const BUYER_TAX_ID_KEYS = ['buyerTaxId', 'businessIdentificationNo'] as const;

export const SALES_NEXUS_TYPES: ReadonlySet<string> = new Set(['SalesOrSellersUseTax', 'SalesTax', 'SellersUseTax']);

/** Certificate exemption reason: always starts with "Exemption certificate". */
export function certificateExemptionReason(c: ExemptionCertificate): string {
  const use = nonEmpty(c.entityUseCode) ? ` (${entityUseExemptionReason(c.entityUseCode.trim().toUpperCase())})` : '';
  return `Exemption certificate ${c.certificateId}${use}${nonEmpty(c.exemptionReason) ? `: ${c.exemptionReason.trim()}` : ''}`;
}

/** Non-taxable product reason: always starts with "Non-taxable". */
export const nonTaxableReason = (taxCode: string, where: string): string => `Non-taxable: tax code ${taxCode} in ${where}`;

export function certificateFor(company: CompanySetup, customerCode: string | undefined, country: string, region: string, date: string): ExemptionCertificate | undefined {
  if (!nonEmpty(customerCode) || !company.certificates?.length) return undefined;
  const code = customerCode.trim();
  return company.certificates.find(
    (c) =>
      [c.customerCode, ...(c.customerCodes ?? [])].some((linked) => linked.trim() === code) &&
      activeOn(c.effectiveDate.slice(0, 10), c.expirationDate?.slice(0, 10), date) &&
      c.regions.some((r) => {
        if (normaliseCountry(r.country) !== country) return false;
        if (country === 'US') return resolveUsState(r.region)?.code === region;
        const want = (r.region ?? '').trim().toUpperCase();
        return want === '' || want === '*' || want === region;
      }),
  );
}

export function buyerTaxId(header: TaxDocumentHeader, line: TaxDocumentLine): string | undefined {
  for (const meta of [line.metadata, header.metadata]) for (const key of BUYER_TAX_ID_KEYS) if (nonEmpty(meta?.[key])) return meta![key].trim();
  return undefined;
}

/**
 * Maps an exemptionReason the engine wrote back to its filing-report category. Every reason text the
 * engine produces must be covered here (engine.spec checks the known ones).
 */
export function exemptionCategoryOf(reason: string | undefined): ExemptionCategory | undefined {
  if (reason === undefined) return undefined;
  if (reason === EXEMPTION_NO_NEXUS) return 'no_nexus';
  if (reason === EXEMPTION_TAX_PAYER_CODE || reason.startsWith('Entity use code') || reason.startsWith('Exemption certificate')) {
    return 'certificate_or_entity_use';
  }
  if (reason.startsWith('Non-taxable')) return 'non_taxable';
  return 'other';
}
