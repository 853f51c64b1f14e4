import { answerSchema, arrayOf, bool, date, nullable, object, recordsetOf, str } from '../common/api-answers';
import { COMPANY, LOCATION } from '../company-setup/company.openapi';
import { NEXUS } from '../company-setup/nexus.openapi';

/** The onboarding answers (companies, locations, settings, items, certificates, filing calendar, nexus by address); see company.queries.ts. */

export { COMPANY, LOCATION, LOCATION_LIST, SETUP_EVENT_LIST } from '../company-setup/company.openapi';
export const COMPANY_LIST = recordsetOf('CompanyList', COMPANY);

export const CREATED_COMPANY = answerSchema('CreatedCompany', {
  allOf: [COMPANY, object({ locations: arrayOf(LOCATION), nexus: arrayOf(NEXUS, 'Nexus declared for every jurisdiction the address triggers') })],
});

export const COMPANY_SETTINGS = answerSchema('CompanySettings', object({ companyCode: str(), strictCoverage: bool(), collectWithoutNexus: bool() }));

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
