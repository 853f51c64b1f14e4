import { answerSchema, arrayOf, bool, int, nullable, num, object, recordsetOf, str } from '../common/api-answers';
import { NEXUS } from '../company-setup/nexus.openapi';
import { COMPANY } from '../company-setup/company.openapi';

/** AvaTax's setup models as the v2 setup and connect routes answer them (avatax-v2-setup.controller.ts, avatax-v2-connect.controller.ts). */

export const V2_LOCATION = answerSchema(
  'LocationModel',
  object(
    {
      id: int(),
      companyId: int(),
      locationCode: str(),
      description: str(),
      addressTypeId: str(),
      addressCategoryId: str(),
      line1: str(),
      line2: str(),
      line3: str(),
      city: str(),
      region: str(),
      postalCode: str(),
      country: str(),
    },
    ['id', 'companyId', 'locationCode', 'line1', 'region', 'country'],
  ),
);

/** CompanyModel: the onboarding company with AvaTax's fields; locations and nexus when created, or when `$include` asks. */
export const V2_COMPANY = answerSchema('CompanyModel', {
  allOf: [
    COMPANY,
    object(
      {
        id: int(),
        accountId: str(),
        isDefault: bool(),
        isActive: bool(),
        hasProfile: bool(),
        baseCurrencyCode: str(),
        locations: arrayOf(V2_LOCATION),
        nexus: arrayOf(NEXUS),
      },
      ['id', 'accountId', 'isDefault', 'isActive', 'hasProfile', 'baseCurrencyCode'],
    ),
  ],
});
export const V2_COMPANY_LIST = recordsetOf('CompanyModelList', V2_COMPANY);

export const TAX_CODE_LIST = recordsetOf(
  'TaxCodeModelList',
  object({
    id: int(),
    companyId: int(),
    taxCode: str(),
    taxCodeTypeId: str('P product, S service, D digital, …'),
    description: str(),
    parentTaxCode: nullable(str()),
    isPhysical: bool(),
    goodsServiceCode: int(),
    entityUseCode: str(),
    isActive: bool(),
    isSSTCertified: bool(),
  }),
);

/** The request's address as sent (its text fields are strings: anything else is refused with 400). */
const ADDRESS_INFO = { type: 'object', additionalProperties: true, description: 'The address as sent' } as const;

export const ADDRESS_RESOLUTION = answerSchema(
  'AddressResolutionModel',
  object(
    {
      address: ADDRESS_INFO,
      validatedAddresses: arrayOf(
        object(
          {
            addressType: str(),
            line1: str(),
            line2: str(),
            line3: str(),
            city: str(),
            region: str(),
            country: str(),
            postalCode: str(),
            latitude: num(),
            longitude: num(),
          },
          ['addressType', 'line1', 'city', 'region', 'country', 'postalCode'],
        ),
      ),
      coordinates: object({ latitude: num(), longitude: num() }),
      resolutionQuality: str(undefined, { example: 'Intersection' }),
      taxAuthorities: arrayOf(object({ avalaraId: str(), jurisdictionName: str(), jurisdictionType: str(), signatureCode: str() })),
      messages: arrayOf(object({ summary: str(), details: str(), refersTo: str(), severity: str(), source: str(), code: str() })),
    },
    ['address', 'validatedAddresses', 'resolutionQuality', 'taxAuthorities', 'messages'],
  ),
);

export const PING = answerSchema(
  'PingResultModel',
  object(
    { version: str(), authenticated: bool(), authenticationType: str(undefined, { example: 'UsernamePassword' }), authenticatedUserName: str(), authenticatedUserId: int(), authenticatedAccountId: str() },
    ['version', 'authenticated', 'authenticationType'],
  ),
);
