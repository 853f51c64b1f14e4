import { OmitType } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { IsOptional, IsString, MaxLength, validate } from 'class-validator';
import type { AddressInput } from '@tax-ledger/addresses';
import { badRequest, type ErrorDetail } from '../common/api-error';
import { inspectJson, MAX_JSON_DEPTH } from '../common/body-validation.pipe';
import { validationDetails } from '../common/validation';
import { TngAddressDto } from '../tng-document/tax-document.dto';

export const MAX_BATCH = 1000;
const MAX_ID_LENGTH = 100;

/**
 * The TaxDocument's Address rules (types, lengths), except that any country text is accepted: a country
 * that is no ISO code makes that one address invalid (UnknownCountry), not the whole batch a 400.
 */
class AddressToResolveDto extends OmitType(TngAddressDto, ['country'] as const) {
  @IsOptional() @IsString() @MaxLength(100) country?: string;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The body of POST /addresses: addresses keyed by the caller's ids, as the seed writes it (an array
 * holding one such object) or as the bare object. Each address is checked for field types and
 * lengths; whether it is a real address is the answer, not an error.
 */
export async function parseAddressBatch(body: unknown): Promise<Map<string, AddressInput>> {
  const parts = Array.isArray(body) ? body : [body];
  if (parts.length === 0 || !parts.every(isPlainObject)) {
    throw badRequest('InvalidRequestBody', 'The body must be an object of addresses keyed by id, or an array of such objects.', 'body');
  }
  const { tooDeep, refusedKey } = inspectJson(body, MAX_JSON_DEPTH);
  if (tooDeep) throw badRequest('InvalidRequestBody', `The request body is nested deeper than ${MAX_JSON_DEPTH} levels.`, 'body');
  if (refusedKey) throw badRequest('InvalidRequestBody', `The key "${refusedKey.split('.').pop()}" is not accepted.`, refusedKey);

  const batch = new Map<string, AddressInput>();
  const details: ErrorDetail[] = [];
  for (const part of parts) {
    for (const [id, value] of Object.entries(part)) {
      if (id.trim() === '' || id.length > MAX_ID_LENGTH) {
        details.push({ code: 'InvalidAddressId', message: `Address ids must be 1 to ${MAX_ID_LENGTH} characters.`, severity: 'Error', refersTo: id });
        continue;
      }
      if (batch.has(id)) {
        details.push({ code: 'DuplicateAddressId', message: `The id "${id}" is used twice.`, severity: 'Error', refersTo: id });
        continue;
      }
      if (!isPlainObject(value)) {
        details.push({ code: 'InvalidAddress', message: `${id} must be an address object.`, severity: 'Error', refersTo: id });
        continue;
      }
      // The answer's own fields (the seed's request example sends them) are accepted and ignored;
      // any other property not of an address is a 400 naming it.
      const { isValid: _v, geocoded: _g, resolved: _r, geocode: _c, messages: _m, ...address } = value;
      const dto = plainToInstance(AddressToResolveDto, address);
      details.push(...validationDetails(await validate(dto, { whitelist: true, forbidNonWhitelisted: true }), id));
      batch.set(id, JSON.parse(JSON.stringify(dto)) as AddressInput);
    }
  }
  if (details.length > 0) {
    const first = details[0];
    throw badRequest('InvalidRequest', details.length === 1 ? first.message : `${details.length} problems; the first: ${first.message}`, first.refersTo, details);
  }
  if (batch.size === 0) throw badRequest('InvalidRequestBody', 'The body holds no addresses.', 'body');
  if (batch.size > MAX_BATCH) throw badRequest('TooManyAddresses', `At most ${MAX_BATCH} addresses per request; ${batch.size} were sent.`, 'body');
  return batch;
}
