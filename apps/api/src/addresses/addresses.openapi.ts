import { answerSchema, arrayOf, bool, nullable, num, object, oneOfStrings, str } from '../common/api-answers';

/** The TNG address answers (addresses.controller.ts). */

const RESOLVED_ADDRESS = object(
  {
    isValid: bool(),
    country: nullable(str()),
    geocoded: bool(),
    resolved: bool('Always false: street lines are not checked against a street database (geocoding is by postal code)'),
    geocode: object({ latitude: nullable(num()), longitude: nullable(num()), resolutionQuality: str(), correlationId: str(), resolvedBy: nullable(str()) }),
    messages: arrayOf(object({ code: str(), message: str(), field: str(), severity: oneOfStrings(['Error', 'Warning']) })),
  },
  ['isValid', 'country', 'geocode', 'messages'],
);

export const ADDRESS_BATCH_ANSWER = answerSchema(
  'AddressBatchAnswer',
  arrayOf({ type: 'object', additionalProperties: RESOLVED_ADDRESS, description: 'The answer for each address, by the id the request gave it' }, 'One object (as the TNG API answers)'),
);

export const COUNTRY_NAMES = answerSchema(
  'CountryNames',
  arrayOf({ type: 'object', additionalProperties: str(), description: 'ISO 3166-1 alpha-3 code -> name' }, 'One object'),
);

export const COUNTRY_ADDRESS_RULES = answerSchema(
  'CountryAddressRules',
  arrayOf(
    { type: 'object', additionalProperties: { type: 'object', additionalProperties: str() }, description: 'Field -> its rules (required, synonyms, pattern; country: codes and name)' },
    'One object',
  ),
);
