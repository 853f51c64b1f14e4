import { answerSchema, arrayOf, bool, dateTime, int, nullable, object, recordsetOf, str } from '../common/api-answers';

/** AvaTax's CustomerModel and CertificateModel as customer.model.ts and certificate.model.ts present them. */

const optionalText = () => nullable(str());

export const CUSTOMER = answerSchema(
  'CustomerModel',
  object({
    id: int(),
    companyId: int(),
    customerCode: str(),
    alternateId: optionalText(),
    name: optionalText(),
    attnName: optionalText(),
    line1: optionalText(),
    line2: optionalText(),
    city: optionalText(),
    postalCode: optionalText(),
    phoneNumber: optionalText(),
    faxNumber: optionalText(),
    emailAddress: optionalText(),
    contactName: optionalText(),
    createdDate: dateTime(),
    modifiedDate: dateTime(),
    country: optionalText(),
    region: optionalText(),
    isBill: bool(),
    isShip: bool(),
    taxpayerIdNumber: nullable(str('The business identification number (VAT reverse charge)')),
  }),
);
export const CUSTOMERS = arrayOf(CUSTOMER);
export const CUSTOMER_LIST = recordsetOf('CustomerModelList', CUSTOMER, { '@nextLink': str('The next page, when there is one') });

export const CERTIFICATE_MODEL = answerSchema(
  'CertificateModel',
  object({
    id: int('Numeric (v2) id'),
    companyId: int(),
    signedDate: str('YYYY-MM-DD'),
    expirationDate: str('YYYY-MM-DD; 9999-12-31: open-ended'),
    exemptionNumber: str(),
    exemptionReason: object({ name: str() }),
    exemptPercentage: int(),
    valid: bool('Usable today: signed, not expired'),
    status: str(undefined, { example: 'COMPLETE' }),
    exposureZone: nullable(object({ name: str(), region: str(), country: str() })),
    customers: arrayOf(object({ companyId: int(), customerCode: str() })),
    certificateId: str('The ledger\'s own id (TNG /certificates/{certificateId})'),
  }),
);
export const CERTIFICATES = arrayOf(CERTIFICATE_MODEL);
export const CERTIFICATE_MODEL_LIST = recordsetOf('CertificateModelList', CERTIFICATE_MODEL);
