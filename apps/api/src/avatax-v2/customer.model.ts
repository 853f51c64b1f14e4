import type { CustomerDetails, CustomerView } from '@tax-ledger/customers';
import { findCountry } from '@tax-ledger/addresses';
import { documentCodeProblem } from '../common/document-code';
import { invalidValue, v2Error, valueRequired } from './avatax-codes';
import { numericId } from './transaction.presenter';

/** AvaTax CustomerModel's text fields the ledger keeps, with their longest value. */
const TEXT_FIELDS: Record<Exclude<keyof CustomerDetails, 'isBill' | 'isShip'>, number> = {
  alternateId: 50,
  name: 50,
  attnName: 50,
  line1: 50,
  line2: 50,
  city: 50,
  region: 3,
  postalCode: 10,
  country: 2,
  phoneNumber: 25,
  faxNumber: 25,
  emailAddress: 100,
  contactName: 50,
  taxpayerIdNumber: 50,
};

/**
 * A CustomerModel from the request, checked field by field (400 naming the field; nothing is written):
 * customerCode is required (a code: visible, at most 50 characters, no control characters), text
 * fields are strings within AvaTax's lengths, country an ISO 3166 code, isBill / isShip booleans.
 * Fields the ledger does not keep (certificates, customFields, …) are ignored.
 */
export function toCustomer(body: unknown, at: string): { customerCode: string; customer: CustomerDetails } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw v2Error(400, 'ModelRequiredException', `${at || 'The body'} must be a CustomerModel object.`, at || 'model');
  const m = body as Record<string, unknown>;
  const field = (name: string) => (at ? `${at}.${name}` : name);
  if (m.customerCode === undefined || m.customerCode === null || m.customerCode === '') throw valueRequired(field('customerCode'));
  if (typeof m.customerCode !== 'string') throw invalidValue(field('customerCode'), 'customerCode must be a string.');
  const problem = documentCodeProblem(m.customerCode);
  if (problem) throw invalidValue(field('customerCode'), `customerCode ${problem}.`);
  const customer: CustomerDetails = {};
  for (const [name, max] of Object.entries(TEXT_FIELDS) as [keyof typeof TEXT_FIELDS, number][]) {
    const value = m[name];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') throw invalidValue(field(name), `${name} must be a string.`);
    if (value.length > max) throw v2Error(400, 'StringLengthError', `${name} must be at most ${max} characters.`, field(name));
    customer[name] = value.trim();
  }
  if (customer.country !== undefined) {
    const country = findCountry(customer.country);
    if (!country) throw invalidValue(field('country'), 'country must be an ISO 3166 country code, e.g. US.');
    customer.country = country.alpha2;
  }
  if (customer.region !== undefined) customer.region = customer.region.toUpperCase();
  if (customer.emailAddress !== undefined && !/^[^\s@]+@[^\s@]+$/.test(customer.emailAddress)) throw v2Error(400, 'EmailValidationError', 'emailAddress is not an email address.', field('emailAddress'));
  for (const name of ['isBill', 'isShip'] as const) {
    const value = m[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'boolean') throw invalidValue(field(name), `${name} must be true or false.`);
    customer[name] = value;
  }
  return { customerCode: m.customerCode, customer };
}

/** A customer as AvaTax's CustomerModel. */
export function presentCustomer(view: CustomerView, companyId: number) {
  return {
    id: numericId(view.id),
    companyId,
    customerCode: view.customerCode,
    alternateId: view.alternateId ?? null,
    name: view.name ?? null,
    attnName: view.attnName ?? null,
    line1: view.line1 ?? null,
    line2: view.line2 ?? null,
    city: view.city ?? null,
    postalCode: view.postalCode ?? null,
    phoneNumber: view.phoneNumber ?? null,
    faxNumber: view.faxNumber ?? null,
    emailAddress: view.emailAddress ?? null,
    contactName: view.contactName ?? null,
    createdDate: view.createdAt,
    modifiedDate: view.modifiedAt,
    country: view.country ?? null,
    region: view.region ?? null,
    isBill: view.isBill ?? false,
    isShip: view.isShip ?? false,
    taxpayerIdNumber: view.taxpayerIdNumber ?? null,
  };
}
