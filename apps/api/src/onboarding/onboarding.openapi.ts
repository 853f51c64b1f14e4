import { anyObject, answerSchema, arrayOf, bool, date, dateTime, int, nullable, object, recordsetOf, str } from '../common/api-answers';
import { NEXUS } from '../company-setup/nexus.openapi';

/** The onboarding answers (companies, locations, settings, items, certificates, filing calendar, nexus by address); see company.queries.ts. */

const ADDRESS = object(
  { line1: str(), line2: str(), line3: str(), city: str(), state: str(), zipcode: str(), country: str('ISO 3166-1 alpha-3, e.g. USA') },
  ['country'],
  'A TNG address',
);

export const COMPANY = answerSchema(
  'Company',
  object({
    id: nullable(int('The AvaTax companyId (null on companies created before ids)')),
    companyId: nullable(int()),
    companyCode: str(),
    companyName: str(),
    name: str('Same as companyName (AvaTax)'),
    defaultCurrency: str(undefined, { example: 'USD' }),
    fallbackItemCode: nullable(str('The item whose tax code applies to unmapped items')),
    strictCoverage: bool(),
    collectWithoutNexus: bool(),
    locationCount: int(),
    nexusCount: int(),
    createdDate: dateTime(),
    modifiedDate: dateTime(),
  }),
);
export const COMPANY_LIST = recordsetOf('CompanyList', COMPANY);

export const LOCATION = answerSchema(
  'Location',
  object({
    id: int('Per-company sequence number'),
    companyId: nullable(int()),
    companyCode: str(),
    locationCode: str(),
    description: nullable(str()),
    address: ADDRESS,
  }),
);
export const LOCATION_LIST = recordsetOf('LocationList', LOCATION);

export const CREATED_COMPANY = answerSchema('CreatedCompany', {
  allOf: [COMPANY, object({ locations: arrayOf(LOCATION), nexus: arrayOf(NEXUS, 'Nexus declared for every jurisdiction the address triggers') })],
});

export const COMPANY_SETTINGS = answerSchema('CompanySettings', object({ companyCode: str(), strictCoverage: bool(), collectWithoutNexus: bool() }));

/** One event of an audited stream (company or user): what happened, with who, when and why. */
export const SETUP_EVENT = answerSchema(
  'SetupEvent',
  object({
    revision: int(),
    type: str(undefined, { example: 'CompanyCreated' }),
    data: anyObject('The event as recorded (secrets never included)'),
    occurredAt: dateTime(),
    actor: str(),
    credentialId: str(),
    requestId: str(),
    clientRequestId: nullable(str()),
    reason: nullable(str('X-Change-Reason')),
  }),
);
export const SETUP_EVENT_LIST = recordsetOf('SetupEventList', SETUP_EVENT);

export const ITEM = answerSchema('ItemMapping', object({ companyCode: str(), itemCode: str(), taxCode: str(), description: nullable(str()), fallback: bool() }));
export const ITEM_LIST = recordsetOf('ItemMappingList', ITEM, { fallbackItemCode: nullable(str()) });
export const ITEM_REMOVED = answerSchema('ItemMappingRemoved', object({ companyCode: str(), itemCode: str(), removed: { type: 'boolean', enum: [true] } }));

const REGION = object({ country: str(), region: str() });

export const CERTIFICATE = answerSchema(
  'Certificate',
  object(
    {
      companyCode: str(),
      certificateId: str(),
      customerCode: str('The customer it was filed for (\'\' when created without one and linked later)'),
      customerCodes: arrayOf(str(), 'Further customers it is linked to'),
      exemptionNumber: str(),
      regions: arrayOf(REGION),
      entityUseCode: str(),
      exemptionReason: str(),
      effectiveDate: date(),
      expirationDate: date('Absent: open-ended'),
    },
    ['companyCode', 'certificateId', 'customerCode', 'regions', 'effectiveDate'],
  ),
);
export const CERTIFICATE_LIST = recordsetOf('CertificateList', CERTIFICATE);
export const CERTIFICATE_REVOKED = answerSchema('CertificateRevoked', object({ companyCode: str(), certificateId: str(), revoked: { type: 'boolean', enum: [true] } }));

export const FILING_CALENDAR = recordsetOf(
  'FilingCalendar',
  object({ country: str(), region: str(), filingFrequency: str(undefined, { example: 'Monthly' }), effectiveDate: date() }),
);

export const NEXUS_BY_ADDRESS = recordsetOf('NexusDeclaredByAddress', NEXUS, {
  alreadyDeclared: arrayOf(NEXUS, 'Jurisdictions the addresses trigger that were already declared for these dates'),
});
