import { Injectable } from '@nestjs/common';
import { ApiPropertyOptional, type ApiPropertyOptions, type OpenAPIObject } from '@nestjs/swagger';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { badRequest, type ErrorDetail } from './api-error';
import { unknownProperty } from './validation';

/**
 * Compiled JSON-schema validation of request bodies (issue 13 item 3), from the OpenAPI document.
 *
 * A DTO marked `@SchemaValidated` is described only by its `@ApiProperty` options; at start-up
 * `RequestSchemas.compile` takes its schema from the OpenAPI document the server publishes, closes its
 * objects (`additionalProperties: false`, also in the published document) and compiles it once with ajv.
 * One definition, two readers: what /docs shows is what the validator checks. What JSON schema cannot
 * say (decimal scale, unique line codes, …) is the DTO's `check`, run after the schema passed.
 */

/** An optional property; `null` counts as absent, as it always has. */
export const OptionalProperty = (options: ApiPropertyOptions) => ApiPropertyOptional({ nullable: true, ...options } as ApiPropertyOptions);

/** A section the answer carries and a request may send back: accepted, not checked, left out of what is recorded (`toTaxDocument`). */
export const RESPONSE_ONLY = { type: 'object', additionalProperties: true, description: 'Response only: accepted in a request and ignored' } as const;

type Check = (body: any) => ErrorDetail[];
const CHECKED = new Map<Function, Check>();

/** Marks a body DTO for the compiled validator; `check` runs after the schema passed (the rules a schema cannot state). */
export function SchemaValidated(check: Check = () => []) {
  return (target: Function) => {
    CHECKED.set(target, check);
  };
}

const KNOWN = new Set<Function>();

/**
 * Marks a body DTO whose unknown properties are accepted but must not vanish silently (AvaTax v2):
 * `RequestSchemas.unknownProperties` lists them, from the same OpenAPI schema, for a Warning.
 */
export function KnownProperties() {
  return (target: Function) => {
    KNOWN.add(target);
  };
}

export const isSchemaValidated = (dto: unknown): dto is Function => typeof dto === 'function' && CHECKED.has(dto);

const REF_PREFIX = '#/components/schemas/';

/** Detail codes as class-validator named the same rules, so clients see the codes they saw before. */
const CODES: Record<string, string> = {
  required: 'isDefined',
  maxLength: 'maxLength',
  minLength: 'isNotEmpty',
  enum: 'isIn',
  pattern: 'matches',
  minItems: 'arrayMinSize',
  maxItems: 'arrayMaxSize',
  maxProperties: 'isStringMap',
  minimum: 'min',
  maximum: 'max',
  format: 'isCalendarDate',
};
const TYPE_CODES: Record<string, string> = { string: 'isString', number: 'isNumber', integer: 'isInt', boolean: 'isBoolean', object: 'isObject', array: 'isArray' };

/** `/lines/0/extendedAmount` -> `lines[0].extendedAmount`. */
export function fieldPath(pointer: string, property?: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (property !== undefined) parts.push(property);
  return parts.reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

function detailOf(error: ErrorObject): ErrorDetail | undefined {
  const p = error.params as Record<string, unknown>;
  const at = fieldPath(error.instancePath);
  switch (error.keyword) {
    case 'required': {
      const path = fieldPath(error.instancePath, String(p.missingProperty));
      return { code: 'Invalid_isDefined', message: `${path} is required`, severity: 'Error', refersTo: path };
    }
    case 'additionalProperties':
      return unknownProperty(fieldPath(error.instancePath, String(p.additionalProperty)));
    case 'type':
      return { code: `Invalid_${TYPE_CODES[String(p.type).split(',')[0]] ?? 'type'}`, message: `${at} must be ${article(String(p.type))}`, severity: 'Error', refersTo: at };
    case 'maxLength':
      return { code: 'Invalid_maxLength', message: `${at} must be at most ${p.limit} characters`, severity: 'Error', refersTo: at };
    case 'minLength':
      return { code: 'Invalid_isNotEmpty', message: `${at} must not be empty`, severity: 'Error', refersTo: at };
    case 'enum':
      return { code: 'Invalid_isIn', message: `${at} must be one of ${(p.allowedValues as unknown[]).join(', ')}`, severity: 'Error', refersTo: at };
    case 'format':
      return { code: CODES.format, message: `${at} must be an ISO 8601 date (YYYY-MM-DD) that exists`, severity: 'Error', refersTo: at };
    case 'nullable':
      return undefined; // reported by its "type" error
    default:
      return { code: `Invalid_${CODES[error.keyword] ?? error.keyword}`, message: `${at} ${error.message ?? 'is invalid'}`, severity: 'Error', refersTo: at };
  }
}

const article = (type: string) =>
  type.split(',').map((t) => (t === 'object' || t === 'array' || t === 'integer' ? `an ${t}` : `a ${t}`)).join(' or ');

/** The 400 for a list of details: `target` is the first one's path. */
export function invalidRequest(details: ErrorDetail[]) {
  const first = details[0];
  return badRequest(
    'InvalidRequest',
    details.length === 1 ? first.message : `${details.length} fields are invalid; the first is ${first.refersTo}: ${first.message}`,
    first.refersTo,
    details,
  );
}

/** Every component a schema reaches through `$ref`, itself included. */
function reachable(schemas: Record<string, any>, name: string, seen = new Set<string>()): Set<string> {
  if (seen.has(name) || !schemas[name]) return seen;
  seen.add(name);
  const visit = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && ref.startsWith(REF_PREFIX)) reachable(schemas, ref.slice(REF_PREFIX.length), seen);
    for (const child of Object.values(node)) visit(child);
  };
  visit(schemas[name]);
  return seen;
}

@Injectable()
export class RequestSchemas {
  private readonly validators = new Map<Function, ValidateFunction>();
  private readonly knownProperties = new Map<Function, ValidateFunction>();
  private components: Record<string, any> = {};

  /**
   * Closes the schemas of every `@SchemaValidated` DTO (and what they reach) in `document` and compiles
   * one validator per DTO. Called once at start-up with the document /docs serves.
   */
  compile(document: OpenAPIObject): void {
    const schemas = (document.components?.schemas ?? {}) as Record<string, any>;
    const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false, removeAdditional: false });
    addFormats(ajv, ['date']);
    const closed = new Set<string>();
    for (const dto of CHECKED.keys()) {
      if (!schemas[dto.name]) throw new Error(`${dto.name} is @SchemaValidated but no route's OpenAPI body uses it`);
      for (const name of reachable(schemas, dto.name)) closed.add(name);
    }
    for (const name of closed) {
      const schema = schemas[name];
      if (schema.type === 'object' && schema.properties && schema.additionalProperties === undefined) schema.additionalProperties = false;
    }
    ajv.addSchema({ $id: 'openapi', components: { schemas } });
    for (const dto of CHECKED.keys()) this.validators.set(dto, ajv.compile({ $ref: `openapi${REF_PREFIX}${dto.name}` }));

    // Known-properties DTOs: the published schema stays open (AvaTax accepts more); a closed copy is compiled.
    const lenient: Record<string, any> = structuredClone(schemas);
    for (const dto of KNOWN) {
      if (!lenient[dto.name]) throw new Error(`${dto.name} is @KnownProperties but no route's OpenAPI body uses it`);
      for (const name of reachable(lenient, dto.name)) {
        const schema = lenient[name];
        if (schema.type === 'object' && schema.properties && schema.additionalProperties === undefined) schema.additionalProperties = false;
      }
    }
    ajv.addSchema({ $id: 'openapi-known', components: { schemas: lenient } });
    this.components = lenient;
    for (const dto of KNOWN) this.knownProperties.set(dto, ajv.compile({ $ref: `openapi-known${REF_PREFIX}${dto.name}` }));
  }

  /**
   * `body` with every property spelt as `dto`'s schema declares it where it differs only in case
   * (`taxcode`, `Commit`): AvaTax reads JSON property names case-insensitively, and so do its clients'
   * examples. A name the schema does not know, or one also sent as declared, stays as sent.
   */
  canonicalProperties(dto: Function, body: unknown): unknown {
    if (!this.components[dto.name]) throw new Error(`No schema for ${dto.name}: RequestSchemas.compile did not run`);
    return canonical(this.components, { $ref: `${REF_PREFIX}${dto.name}` }, body);
  }

  /** The paths of the properties in `body` that `dto` (a @KnownProperties DTO) does not declare, e.g. `lines[0].discount`. */
  unknownProperties(dto: Function, body: unknown): string[] {
    const validator = this.knownProperties.get(dto);
    if (!validator) throw new Error(`No compiled schema for ${dto.name}: RequestSchemas.compile did not run`);
    if (validator(body)) return [];
    const paths = (validator.errors ?? [])
      .filter((e) => e.keyword === 'additionalProperties')
      .map((e) => fieldPath(e.instancePath, String((e.params as { additionalProperty: string }).additionalProperty)));
    return [...new Set(paths)];
  }

  /** The body as the route receives it, or a 400 naming every problem (schema first, then the DTO's check). */
  validate<T>(dto: Function, body: unknown): T {
    const validator = this.validators.get(dto);
    if (!validator) throw new Error(`No compiled schema for ${dto.name}: RequestSchemas.compile did not run`);
    if (!validator(body)) {
      const details = (validator.errors ?? []).map(detailOf).filter((d): d is ErrorDetail => d !== undefined);
      throw invalidRequest(dedupe(details));
    }
    const problems = CHECKED.get(dto)!(body);
    if (problems.length) throw invalidRequest(problems);
    return body as T;
  }
}

/** The schema a node stands for: through `$ref`, and the one-element `allOf` Nest writes for a described `$ref`. */
function resolveSchema(schemas: Record<string, any>, node: any, depth = 0): any {
  if (!node || typeof node !== 'object' || depth > 8) return node;
  if (typeof node.$ref === 'string' && node.$ref.startsWith(REF_PREFIX)) return resolveSchema(schemas, schemas[node.$ref.slice(REF_PREFIX.length)], depth + 1);
  if (Array.isArray(node.allOf) && node.allOf.length === 1) return resolveSchema(schemas, node.allOf[0], depth + 1);
  return node;
}

function canonical(schemas: Record<string, any>, node: any, value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 32) return value;
  const schema = resolveSchema(schemas, node);
  if (Array.isArray(value)) return schema?.items ? value.map((item) => canonical(schemas, schema.items, item, depth + 1)) : value;
  const declared: Record<string, any> | undefined = schema?.properties;
  const open = schema?.additionalProperties && typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  if (!declared && !open) return value;
  const byLowerCase = new Map(Object.keys(declared ?? {}).map((name) => [name.toLowerCase(), name]));
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const match = declared && !(key in declared) ? byLowerCase.get(key.toLowerCase()) : undefined;
    const name = match !== undefined && !(match in value) ? match : key;
    out[name] = canonical(schemas, declared?.[name] ?? open, child, depth + 1);
  }
  return out;
}

/** One detail per path and code (allErrors can report a rule twice through nullable/type). */
function dedupe(details: ErrorDetail[]): ErrorDetail[] {
  const seen = new Set<string>();
  return details.filter((d) => {
    const key = `${d.refersTo}\u0000${d.code}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
