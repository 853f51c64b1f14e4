import { ApiError } from '../common/api-error';
import OPERATIONS from './avatax-operations.json';

/** One AvaTax REST v2 operation of the SDK (scripts/avatax-operations.cjs writes the table). */
export interface AvataxOperation {
  operation: string;
  method: string;
  path: string;
}

const TABLE: readonly (AvataxOperation & { segments: string[] })[] = (OPERATIONS as AvataxOperation[]).map((o) => ({ ...o, segments: o.path.split('/').filter(Boolean) }));

const matches = (template: string[], segments: string[]) =>
  template.length === segments.length && template.every((t, i) => t.startsWith(':') || t.toLowerCase() === segments[i].toLowerCase());
const staticSegments = (template: string[]) => template.filter((t) => !t.startsWith(':')).length;

/**
 * The AvaTax operations whose path template a request path fits, the most specific first
 * (`companies/:companyId/customers` before `companies/:id/:anything`).
 */
export function operationsAt(path: string): AvataxOperation[] {
  const segments = path.split('?')[0].split('/').filter(Boolean);
  return TABLE.filter((o) => matches(o.segments, segments))
    .sort((a, b) => staticSegments(b.segments) - staticSegments(a.segments))
    .map(({ operation, method, path: p }) => ({ operation, method, path: p }));
}

/**
 * The answer to a request no route serves: 501 `NotImplemented` naming the AvaTax operation it is; 405
 * when the path is an operation with another method; 404 `NotFound` when AvaTax has no such operation.
 */
export function unsupportedOperation(method: string, path: string): ApiError {
  const candidates = operationsAt(path);
  const operation = candidates.find((o) => o.method === method);
  if (operation) {
    return new ApiError(501, 'NotImplemented', `The AvaTax operation ${operation.operation} (${operation.method} ${operation.path}) is not served by tax-ledger; docs/avatax-v2.md lists the routes it serves.`, operation.operation);
  }
  if (candidates.length > 0) {
    const allowed = [...new Set(candidates.map((o) => `${o.method} (${o.operation})`))].join(', ');
    return new ApiError(405, 'NotFound', `${method} is not an AvaTax operation on ${path}; this path takes ${allowed}.`, 'method', [], { Allow: [...new Set(candidates.map((o) => o.method))].join(', ') });
  }
  return new ApiError(404, 'NotFound', `${method} ${path} is not an AvaTax REST v2 operation.`, 'path');
}
