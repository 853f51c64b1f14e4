import { applyDecorators, type Type } from '@nestjs/common';
import { ApiResponse, type OpenAPIObject } from '@nestjs/swagger';
import type { OperationObject, ReferenceObject, ResponseObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { isAvataxV2Path } from './avatax-error-codes';

/**
 * What a route answers, declared once per route (issue 18: generated clients got `any`).
 *
 * An answer's body is a named JSON schema (`answerSchema`, kept in a `*.openapi.ts` file beside the
 * presenter it describes) or a DTO class; `@ApiAnswers(status, body, description, errors)` declares the
 * success and the error statuses the route answers beyond those every route can (`EVERY_ROUTE`).
 * `completeResponses`, run once on the built document, publishes the named schemas and gives every error
 * status its body: `{"error":{code,message,target,details}}`, with AvaTax's codes and detail fields on
 * `/api/v2` (the same rule the error filter applies). The e2e suites check every answer against the result
 * (test/support/openapi-responses.ts).
 */

export type Schema = SchemaObject | ReferenceObject;

const SCHEMAS = new Map<string, SchemaObject>();

/** A named response schema (published as `components.schemas.<name>`); returns its `$ref`. */
export function answerSchema(name: string, schema: SchemaObject): ReferenceObject {
  const known = SCHEMAS.get(name);
  if (known && known !== schema) throw new Error(`The response schema ${name} is defined twice`);
  SCHEMAS.set(name, schema);
  return { $ref: `#/components/schemas/${name}` };
}

export const arrayOf = (items: Schema, description?: string): SchemaObject => ({ type: 'array', items, ...(description ? { description } : {}) });

/** An object whose listed properties are required (all others optional); more properties may be added later. */
export const object = (properties: Record<string, Schema>, required: string[] = Object.keys(properties), description?: string): SchemaObject => ({
  type: 'object',
  properties,
  required,
  ...(description ? { description } : {}),
});

export const str = (description?: string, extra: SchemaObject = {}): SchemaObject => ({ type: 'string', ...(description ? { description } : {}), ...extra });
export const num = (description?: string): SchemaObject => ({ type: 'number', ...(description ? { description } : {}) });
export const int = (description?: string): SchemaObject => ({ type: 'integer', ...(description ? { description } : {}) });
export const bool = (description?: string): SchemaObject => ({ type: 'boolean', ...(description ? { description } : {}) });
export const nullable = (schema: SchemaObject): SchemaObject => ({ ...schema, nullable: true });
export const oneOfStrings = (values: readonly string[], description?: string): SchemaObject => ({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
/** The REST v2 list shape every onboarding and v2 list answers: `{"@recordsetCount": n, "value": [...]}`. */
export const recordsetOf = (name: string, item: Schema, extra: Record<string, Schema> = {}): ReferenceObject => {
  const properties = { '@recordsetCount': int('How many items there are'), value: arrayOf(item), ...extra };
  // `@nextLink` (and any other `@…` annotation) only when it applies, as in AvaTax; other members always.
  return answerSchema(name, object(properties, Object.keys(properties).filter((key) => key === '@recordsetCount' || !key.startsWith('@'))));
};

/** A date-time as the ledger writes it (ISO 8601, UTC). */
export const dateTime = (description?: string): SchemaObject => str(description, { format: 'date-time' });
/** A calendar date, YYYY-MM-DD. */
export const date = (description?: string): SchemaObject => str(description, { format: 'date' });

/** An object with any members (a part whose shape is documented elsewhere, or free-form). */
export const anyObject = (description?: string): SchemaObject => ({ type: 'object', additionalProperties: true, ...(description ? { description } : {}) });

/** What an error status means, whatever route answers it. */
const ERROR_MEANING: Record<number, string> = {
  400: 'The request is invalid (body, query, path or a business rule); nothing was written',
  401: 'No credentials, or credentials that do not authenticate',
  403: 'The credentials may not do this (role, account)',
  404: 'No such resource in the caller\'s account',
  405: 'Not allowed in the resource\'s state (the answer\'s Allow header says what is)',
  406: 'The Accept header asks for a format or tax-version this route does not answer',
  409: 'Conflict: the code is taken, or the resource was changed at the same time; nothing was written',
  412: 'If-Match does not name the current version; nothing was written',
  413: 'The request body is larger than 10 MiB, or the result larger than one write; nothing was written',
  415: 'The request body is not application/json',
  422: 'The request is well formed but refused (Idempotency-Key reused with another request, strict coverage, …); nothing was written',
  429: 'Too many requests for the account, or too many failed authentications (Retry-After)',
  503: 'Shutting down, or the ledger or its read models cannot be reached; retry',
};

/**
 * Statuses every operation can answer, whatever its route does: a malformed URL or body (400), the
 * shutdown and store outages (503); a body too large or not JSON (413, 415: every method that may carry
 * one); with credentials also 401, 403 and the rate limit (429).
 */
const EVERY_ROUTE = [400, 503];
const WITH_BODY = [413, 415];
const AUTHENTICATED = [401, 403, 429];

/** The success answer and the route's own error statuses, in one line per route. */
export function ApiAnswers(statuses: number | number[], body: Schema | Type<unknown>, description: string, errors: number[] = []) {
  const success = (status: number) => (typeof body === 'function' ? ApiResponse({ status, description, type: body }) : ApiResponse({ status, description, schema: body }));
  return applyDecorators(...[statuses].flat().map(success), ApiErrors(...errors));
}

/** Error statuses a route answers (beyond every route's); their body is filled in by `completeResponses`. */
export const ApiErrors = (...statuses: number[]) =>
  applyDecorators(...statuses.map((status) => ApiResponse({ status, description: ERROR_MEANING[status] ?? `Error ${status}` })));

const detail = (extra: Record<string, Schema> = {}) =>
  ({
    type: 'object',
    properties: {
      code: str('The error code (the same as the error\'s, or per detail: e.g. a coverage message code)'),
      message: str(),
      severity: oneOfStrings(['Error', 'Warning']),
      refersTo: str('The field or part the detail is about, e.g. lines[0].extendedAmount'),
      ...extra,
    },
    required: ['code', 'message', 'severity'],
  }) satisfies SchemaObject;

const errorBody = (detailSchema: SchemaObject, codeDescription: string): SchemaObject =>
  object({
    error: object(
      {
        code: str(codeDescription),
        message: str('What went wrong, for a person'),
        target: str('The field or part at fault'),
        details: arrayOf(detailSchema),
      },
      ['code', 'message', 'details'],
    ),
  });

/** `{"error":{code,message,target,details}}`: every TNG, onboarding and operations error. */
export const ERROR_RESPONSE = answerSchema(
  'ErrorResponse',
  errorBody(detail({ target: str(), description: str(), limitBytes: int() }), 'e.g. InvalidRequest, TransactionNotFound, DocumentCodeConflict, ContentNotCovered'),
);

/**
 * AvaTax's ErrorResult as the `/api/v2` routes answer it: AvaTax's ErrorCodeId values (EntityNotFoundError,
 * ValidationException, AuthenticationException, …; docs/avatax-v2.md "Errors") and its ErrorDetail fields.
 */
export const AVATAX_ERROR_RESPONSE = answerSchema(
  'AvaTaxErrorResponse',
  errorBody(
    detail({
      number: int('AvaTax\'s numeric error code'),
      description: str(),
      faultCode: str('Client or Server'),
      faultSubCode: str(),
      helpLink: str(),
    }),
    'AvaTax\'s ErrorCodeId, e.g. EntityNotFoundError, ValidationException, AuthenticationException, DocumentCodeConflict',
  ),
);

/** TNG routes name a required Accept header (tax-version=1); without it they answer 406. */
const requiresAccept = (operation: OperationObject) =>
  (operation.parameters ?? []).some((p) => 'in' in p && p.in === 'header' && p.name.toLowerCase() === 'accept' && p.required === true);

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/**
 * Run once on the built document: publishes the named answer schemas and declares every error status's
 * body (AvaTax's shape on `/api/v2`), adding the statuses every operation can answer.
 */
export function completeResponses(document: OpenAPIObject): void {
  const schemas = (document.components ??= {}).schemas ??= {};
  for (const [name, schema] of SCHEMAS) {
    if (schemas[name] && schemas[name] !== schema) throw new Error(`The response schema ${name} collides with a DTO of the same name`);
    schemas[name] = schema;
  }
  for (const [path, item] of Object.entries(document.paths)) {
    const errorSchema = isAvataxV2Path(path) ? AVATAX_ERROR_RESPONSE : ERROR_RESPONSE;
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const statuses = [
        ...EVERY_ROUTE,
        ...(method !== 'get' && method !== 'head' ? WITH_BODY : []),
        ...(operation.security?.length ? AUTHENTICATED : []),
        ...(requiresAccept(operation) ? [406] : []),
      ];
      for (const status of statuses) operation.responses[status] ??= { description: ERROR_MEANING[status] };
      for (const [status, response] of Object.entries(operation.responses) as [string, ResponseObject][]) {
        if (Number(status) < 400 || response.content) continue;
        response.content = { 'application/json': { schema: errorSchema } };
      }
    }
  }
}
