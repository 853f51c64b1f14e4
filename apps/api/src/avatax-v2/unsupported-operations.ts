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
