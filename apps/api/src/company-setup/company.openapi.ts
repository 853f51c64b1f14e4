import { anyObject, answerSchema, bool, dateTime, int, nullable, object, recordsetOf, str } from '../common/api-answers';

/**
 * A company and its locations as onboarding presents them (onboarding/company.queries.ts), shared by the
 * onboarding, accounts and AvaTax v2 answers; and an audited setup event (company and user streams).
 */

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

