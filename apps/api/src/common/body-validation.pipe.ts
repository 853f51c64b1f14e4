import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { ApiError, badRequest } from './api-error';
import { isSchemaValidated, RequestSchemas } from './request-schema';
import { apiValidationPipe, bodyValidationPipe } from './validation';

/** Deeper than any TaxDocument needs (a document is about 6 levels deep). */
export const MAX_JSON_DEPTH = 32;

/**
 * Keys the framework strips silently for prototype-pollution safety (`__proto__` never gets this far:
 * the JSON parser refuses it). Refused loudly instead, so nothing a client sent is dropped unnoticed.
 */
const REFUSED_KEYS = new Set(['constructor', 'prototype']);

/** Walks a parsed body without recursion (a hostile body cannot overflow the stack). */
export function inspectJson(value: unknown, maxDepth: number): { tooDeep: boolean; refusedKey?: string } {
  const stack: [unknown, number, string][] = [[value, 1, '']];
  while (stack.length) {
    const [node, depth, path] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > maxDepth) return { tooDeep: true };
    for (const [key, child] of Object.entries(node)) {
      const childPath = Array.isArray(node) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (!Array.isArray(node) && REFUSED_KEYS.has(key)) return { tooDeep: false, refusedKey: childPath };
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1, childPath]);
    }
  }
  return { tooDeep: false };
}

/**
 * Input validation for bodies and query strings of the TNG routes: a JSON object, not absurdly deep,
 * then the DTO's rules: the compiled JSON schema for a `@SchemaValidated` body (common/request-schema.ts),
 * else class-validator. A body property the DTO does not declare is a 400 naming it (UnknownProperty),
 * with either validator. Whatever goes wrong while validating is the input's fault: a 400, never a 500.
 */
@Injectable()
export class ValidBody implements PipeTransform {
  /** Refuse unknown body properties (TNG) or drop them silently (ValidV2Body). */
  protected readonly unknownBodyProperties: 'refuse' | 'drop' = 'refuse';

  constructor(private readonly schemas: RequestSchemas) {}

  async transform(value: unknown, metadata: ArgumentMetadata) {
    if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
      throw badRequest('InvalidRequestBody', 'The request body must be a JSON object.', 'body');
    }
    const { tooDeep, refusedKey } = inspectJson(value, MAX_JSON_DEPTH);
    if (tooDeep) throw badRequest('InvalidRequestBody', `The request body is nested deeper than ${MAX_JSON_DEPTH} levels.`, 'body');
    if (refusedKey) throw badRequest('InvalidRequestBody', `The key "${refusedKey.split('.').pop()}" is not accepted.`, refusedKey);
    if (metadata.type === 'body' && isSchemaValidated(metadata.metatype)) return this.schemas.validate(metadata.metatype, value);
    const pipe = metadata.type === 'body' && this.unknownBodyProperties === 'refuse' ? bodyValidationPipe : apiValidationPipe;
    try {
      return await pipe.transform(value, metadata);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw badRequest('InvalidRequestBody', 'The request body could not be validated.', 'body');
    }
  }
}

/**
 * The same checks for an AvaTax v2 route whose answer has no `messages`: properties the DTO does not
 * declare are dropped silently, as AvaTax does with the extra fields SDK clients send.
 */
@Injectable()
export class ValidV2Body extends ValidBody {
  protected override readonly unknownBodyProperties = 'drop' as const;
}
