import type { CompanySetupView } from '@tax-ledger/companies';
import { type ExemptionCertificate, normaliseCountry, resolveUsState } from '@tax-ledger/tax-engine';
import { findCountry } from '@tax-ledger/addresses';
import { documentCodeProblem } from '../common/document-code';
import { invalidValue, v2Error, valueRequired } from './avatax-codes';
import { isoDate } from './create-transaction.model';
import { v2CertificateId } from './transaction.presenter';

/** What createCertificates asks for: the certificate (without its id) and the customers it is filed for. */
export interface NewV2Certificate {
  certificate: Omit<ExemptionCertificate, 'certificateId' | 'customerCode' | 'customerCodes'>;
  customerCodes: string[];
}

const text = (m: Record<string, unknown>, name: string, at: string, max: number): string | undefined => {
  const value = m[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw invalidValue(`${at}${name}`, `${name} must be a string.`);
  if (value.length > max) throw v2Error(400, 'StringLengthError', `${name} must be at most ${max} characters.`, `${at}${name}`);
  return value.trim();
};

/**
 * An exposure zone (where a certificate applies) as the engine reads regions: `{ region, country }`, or
 * a `name` that is a US state ("Washington", "WA") or a country ("Germany", "DE": the whole country).
 */
function exposureRegion(value: unknown, at: string): { country: string; region: string } {
  if (value === undefined || value === null) throw valueRequired(`${at}exposureZone`);
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidValue(`${at}exposureZone`, 'exposureZone must be an ExposureZoneModel object.');
  const z = value as Record<string, unknown>;
  const region = text(z, 'region', `${at}exposureZone.`, 3);
  const country = text(z, 'country', `${at}exposureZone.`, 3);
  if (country !== undefined) {
    const alpha2 = findCountry(country)?.alpha2;
    if (!alpha2) throw invalidValue(`${at}exposureZone.country`, 'exposureZone.country must be an ISO 3166 country code.');
    if (alpha2 === 'US') {
      const state = resolveUsState(region ?? text(z, 'name', `${at}exposureZone.`, 50));
      if (!state) throw invalidValue(`${at}exposureZone.region`, 'A US exposure zone needs a state (region or name).');
      return { country: 'US', region: state.code };
    }
    return { country: alpha2, region: region?.toUpperCase() ?? '' };
  }
  const name = text(z, 'name', `${at}exposureZone.`, 50);
  if (name === undefined) throw valueRequired(`${at}exposureZone.name`);
  const state = resolveUsState(name);
  if (state) return { country: 'US', region: state.code };
  const whole = findCountry(normaliseCountry(name))?.alpha2;
  if (whole) return { country: whole, region: '' };
  throw invalidValue(`${at}exposureZone.name`, `Exposure zone "${name}" is neither a US state nor a country the ledger knows; send region and country.`);
}

/**
 * A CertificateModel of createCertificates, checked field by field (400 naming the field, nothing
 * written): `exposureZone` and `exemptionReason.name` (MissingExemptReason) are required, `signedDate` is
 * the first day it applies, `expirationDate` (optional: open-ended) the last; `exemptionNumber` kept;
 * `customers` (`[{customerCode}]`) are the customers it is filed for. Partial exemptions
 * (`exemptPercentage` other than 0 or 100) are refused: the engine exempts in full.
 */
export function toCertificate(body: unknown, at: string): NewV2Certificate {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw v2Error(400, 'ModelRequiredException', `${at || 'The body'} must be a CertificateModel object.`, at || 'model');
  const m = body as Record<string, unknown>;
  const prefix = at ? `${at}.` : '';
  const region = exposureRegion(m.exposureZone, prefix);
  const reason = m.exemptionReason;
  const reasonName = reason !== null && typeof reason === 'object' && !Array.isArray(reason) ? text(reason as Record<string, unknown>, 'name', `${prefix}exemptionReason.`, 100) : undefined;
  if (reasonName === undefined) throw v2Error(400, 'MissingExemptReason', 'exemptionReason.name is required (e.g. RESALE).', `${prefix}exemptionReason`);
  const effectiveDate = isoDate(m.signedDate, `${prefix}signedDate`);
  const expirationDate = m.expirationDate === undefined || m.expirationDate === null || m.expirationDate === '' ? undefined : isoDate(m.expirationDate, `${prefix}expirationDate`);
  if (expirationDate !== undefined && expirationDate < effectiveDate) throw v2Error(400, 'DateRangeError', 'expirationDate must not be before signedDate.', `${prefix}expirationDate`);
  const percent = m.exemptPercentage;
  if (percent !== undefined && percent !== null && percent !== 0 && percent !== 100) {
    throw invalidValue(`${prefix}exemptPercentage`, 'Only full exemptions are supported: exemptPercentage 0 or 100 (or absent).');
  }
  const exemptionNumber = text(m, 'exemptionNumber', prefix, 50);
  const customers = m.customers;
  if (customers !== undefined && customers !== null && !Array.isArray(customers)) throw invalidValue(`${prefix}customers`, 'customers must be an array of CustomerModel.');
  const customerCodes = ((customers as unknown[] | undefined) ?? []).map((c, i) => {
    const code = c !== null && typeof c === 'object' ? (c as { customerCode?: unknown }).customerCode : undefined;
    if (typeof code !== 'string' || code === '') throw valueRequired(`${prefix}customers[${i}].customerCode`);
    const problem = documentCodeProblem(code);
    if (problem) throw invalidValue(`${prefix}customers[${i}].customerCode`, `customerCode ${problem}.`);
    return code;
  });
  return {
    certificate: { regions: [region], exemptionReason: reasonName, effectiveDate, ...(expirationDate ? { expirationDate } : {}), ...(exemptionNumber ? { exemptionNumber } : {}) },
    customerCodes: [...new Set(customerCodes)],
  };
}

const titleCase = (name: string) => name.toLowerCase().replace(/\b\w/g, (ch) => ch.toUpperCase());

export { v2CertificateId };

/** The certificate a v2 path id names: by its numeric id, or by its TNG id as written. */
export const certificateByV2Id = (company: CompanySetupView, id: string): ExemptionCertificate | undefined =>
  company.certificates.find((c) => c.certificateId === id || (/^\d{1,16}$/.test(id) && v2CertificateId(c.certificateId) === Number(id)));

/** Every customer code a certificate exempts. */
export const customersOf = (c: ExemptionCertificate): string[] => [c.customerCode, ...(c.customerCodes ?? [])].filter((code) => code !== '');

/** A certificate as AvaTax's CertificateModel (customers by code; the exposure zone by region). */
export function presentCertificate(c: ExemptionCertificate, companyId: number, today: string) {
  const zone = c.regions[0];
  const state = zone?.country === 'US' ? resolveUsState(zone.region) : undefined;
  return {
    id: v2CertificateId(c.certificateId),
    companyId,
    signedDate: c.effectiveDate,
    expirationDate: c.expirationDate ?? '9999-12-31',
    exemptionNumber: c.exemptionNumber ?? '',
    exemptionReason: { name: c.exemptionReason ?? c.entityUseCode ?? '' },
    exemptPercentage: 0,
    // AvaTax's `valid`: usable today (signed, not expired).
    valid: c.effectiveDate <= today && (c.expirationDate === undefined || today <= c.expirationDate),
    status: 'COMPLETE',
    exposureZone: zone ? { name: state ? titleCase(state.name) : zone.region || zone.country, region: zone.region, country: zone.country } : null,
    customers: customersOf(c).map((customerCode) => ({ companyId, customerCode })),
    // The ledger's own id of the certificate (TNG /certificates/{certificateId}).
    certificateId: c.certificateId,
  };
}
