import type { OpenAPIObject } from '@nestjs/swagger';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { appendFileSync } from 'node:fs';

/**
 * The OpenAPI document, proven by the end-to-end suites (issue 18): every answer a test app gives is
 * checked against the operation the document declares for its route, method and status. An undeclared
 * status, a JSON body that does not match the declared schema, or a route missing from the document is
 * a violation, kept by request id; the test harness (test-app.ts) fails the request that caused it.
 *
 * OPENAPI_RESPONSE_CHECK: `strict` (default) fails; `report` appends violations to the JSONL file named by
 * OPENAPI_RESPONSE_REPORT (to survey a change) and fails nothing; `off` checks nothing.
 */
export type ResponseCheckMode = 'strict' | 'report' | 'off';

export const responseCheckMode = (): ResponseCheckMode => {
  const mode = process.env.OPENAPI_RESPONSE_CHECK ?? 'strict';
  if (mode !== 'strict' && mode !== 'report' && mode !== 'off') throw new Error(`OPENAPI_RESPONSE_CHECK must be strict, report or off, not ${mode}`);
  return mode;
};

const REF_PREFIX = '#/components/schemas/';
/**
 * Routes that are not API operations: Swagger UI and its document, the console's static files, and the
 * AvaTax v2 catch-all (excluded from the document: it answers 501/405/404 for operations not served).
 */
const NOT_OPERATIONS = /^\/(docs|console)(\/|$)|^\/$|\*/;

export interface Violation {
  requestId: string;
  method: string;
  route: string;
  status: number;
  problem: string;
}

/** `/transactions/:companyCode` (Fastify) -> `/transactions/{companyCode}` (OpenAPI). */
const openApiPath = (route: string) => route.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

export class ResponseValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenAPIObject) {
    this.document = structuredClone(document);
    this.ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'openapi', components: { schemas: this.document.components?.schemas ?? {} } });
  }

  /** What is wrong with this answer, or undefined when the document declares it. */
  check(method: string, route: string, status: number, contentType: string | undefined, body: string | undefined): string | undefined {
    if (method === 'HEAD' || method === 'OPTIONS' || NOT_OPERATIONS.test(route)) return undefined;
    const path = openApiPath(route);
    const operation = (this.document.paths[path] as Record<string, any> | undefined)?.[method.toLowerCase()];
    if (!operation) return `${method} ${path} is not in the OpenAPI document`;
    const responses = (operation.responses ?? {}) as Record<string, any>;
    const declared = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
    if (!declared) return `status ${status} is not declared (declared: ${Object.keys(responses).join(', ')})`;
    const json = contentType !== undefined && /^application\/json/i.test(contentType);
    const media = declared.content as Record<string, { schema?: unknown }> | undefined;
    if (!json) {
      const type = contentType?.split(';')[0].trim();
      if (body && type && media && !media[type]) return `content type ${type} is not declared for ${status} (declared: ${Object.keys(media).join(', ')})`;
      return undefined;
    }
    const schema = media?.['application/json']?.schema;
    if (!schema) return `status ${status} declares no application/json schema`;
    const key = `${method} ${path} ${status}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll(`"${REF_PREFIX}`, `"openapi${REF_PREFIX}`)));
      this.compiled.set(key, validate);
    }
    let value: unknown;
    try {
      value = body === undefined || body === '' ? undefined : JSON.parse(body);
    } catch {
      return 'the body is not JSON';
    }
    if (validate(value)) return undefined;
    return (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || '(body)'} ${e.message}${e.keyword === 'additionalProperties' ? ` (${String((e.params as any).additionalProperty)})` : ''}`)
      .join('; ');
  }
}

/** Violations found in one app, by request id, until the harness takes them. */
export class ResponseViolations {
  private readonly byRequest = new Map<string, Violation>();

  constructor(private readonly mode: ResponseCheckMode) {}

  /** The onSend hook that checks each answer of `fastify` against `document`. */
  install(fastify: FastifyInstance, document: OpenAPIObject): void {
    if (this.mode === 'off') return;
    const validator = new ResponseValidator(document);
    fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const route = request.routeOptions?.url;
      if (route === undefined) return payload; // no route matched: not an operation
      const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
      const contentType = reply.getHeader('content-type') as string | undefined;
      let problem: string | undefined;
      try {
        problem = validator.check(request.method, route, reply.statusCode, contentType, body);
      } catch (error) {
        problem = `the document's schema for it does not compile: ${(error as Error).message}`; // never changes the answer
      }
      if (problem) this.record({ requestId: String(request.id), method: request.method, route: openApiPath(route), status: reply.statusCode, problem }, body);
      return payload;
    });
  }

  private record(violation: Violation, body: string | undefined): void {
    if (this.mode === 'report') {
      const file = process.env.OPENAPI_RESPONSE_REPORT;
      if (file) appendFileSync(file, `${JSON.stringify({ ...testName(), ...violation, body: body?.slice(0, 4000) })}\n`);
      return;
    }
    this.byRequest.set(violation.requestId, violation);
  }

  /** The violation of one answer (by its X-Request-Id), removed from those pending. */
  take(requestId: string | undefined): Violation | undefined {
    if (requestId === undefined) return undefined;
    const violation = this.byRequest.get(requestId);
    this.byRequest.delete(requestId);
    return violation;
  }

  /** Violations no request claimed (answers to clients other than supertest: the SDK, fetch). */
  takeAll(): Violation[] {
    const all = [...this.byRequest.values()];
    this.byRequest.clear();
    return all;
  }
}

export const describeViolation = (v: Violation) => `The answer ${v.status} to ${v.method} ${v.route} does not match the OpenAPI document: ${v.problem}`;

/** The running jest test, for the report. */
function testName(): { suite?: string; test?: string } {
  if (typeof expect === 'undefined') return {};
  const state = expect.getState();
  return { suite: state.testPath?.replace(/^.*\/test\//, 'test/'), test: state.currentTestName };
}
