import { answerSchema, bool, date, dateTime, int, nullable, object, oneOfStrings, recordsetOf, str } from '../common/api-answers';

/** AvaTax's NexusModel as `presentNexus` answers it (onboarding and /api/v2 alike). */
export const NEXUS = answerSchema(
  'Nexus',
  object({
    id: int('Per-company sequence number; 0 in a definition (not declared)'),
    companyId: int(),
    country: str('ISO 3166-1 alpha-2', { example: 'US' }),
    region: str(undefined, { example: 'WA' }),
    jurisTypeId: oneOfStrings(['STA', 'CTY', 'CIT', 'STJ', 'CNT']),
    jurisCode: str(),
    jurisName: str(),
    shortName: str(),
    signatureCode: str(),
    stateAssignedNo: str(),
    nexusTypeId: str(undefined, { example: 'SalesOrSellersUseTax' }),
    hasLocalNexus: bool(),
    localNexusTypeId: str(undefined, { example: 'Selected' }),
    hasPermanentEstablishment: bool(),
    effectiveDate: nullable(date('First day in force; null: all dates')),
    endDate: nullable(date('Last day in force; null: open-ended')),
    createdDate: nullable(dateTime()),
    createdUserId: int(),
    modifiedDate: nullable(dateTime()),
    modifiedUserId: int(),
  }),
);

export const NEXUS_LIST = recordsetOf('NexusList', NEXUS);
