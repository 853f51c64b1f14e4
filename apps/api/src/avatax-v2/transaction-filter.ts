import { ApiError } from '../common/api-error';

/**
 * A small OData-style `$filter` as AvaTax accepts it on list routes: clauses joined with `and`, each
 * `field eq|ne|gt|ge|lt|le value` or `field between a and b`; values are 'quoted text', numbers, true /
 * false or bare words (dates like 2024-01-01). Fields are matched case-insensitively against the
 * transaction model's top-level fields (status, type, locked, reconciled, date, code, customerCode, …).
 */
export type Predicate = (model: Record<string, unknown>) => boolean;

const malformed = (message: string) => new ApiError(400, 'MalformedFilterException', message, '$filter');
const TOKEN = /\s*('(?:[^']|'')*'|[^\s']+)/y;

function tokens(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (TOKEN.lastIndex < text.length && (m = TOKEN.exec(text))) out.push(m[1]);
  if (text.slice(TOKEN.lastIndex).trim() !== '') throw malformed('Unterminated quoted value in $filter.');
  return out;
}

const literal = (token: string | undefined): string | number | boolean => {
  if (token === undefined) throw malformed('$filter ends where a value was expected.');
  if (token.startsWith("'")) return token.slice(1, -1).replace(/''/g, "'");
  if (/^(true|false)$/i.test(token)) return token.toLowerCase() === 'true';
  if (/^-?\d+(\.\d+)?$/.test(token)) return Number(token);
  return token;
};

const field = (model: Record<string, unknown>, name: string) => {
  const key = Object.keys(model).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : model[key];
};

function compare(a: unknown, b: string | number | boolean): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' || typeof b === 'boolean') return String(a) === String(b) ? 0 : 1;
  const x = String(a ?? '').toLowerCase();
  const y = String(b).toLowerCase();
  // Dates compare by their first 10 characters (2024-01-31T00:00:00 = 2024-01-31).
  const dx = /^\d{4}-\d{2}-\d{2}/.test(x) && /^\d{4}-\d{2}-\d{2}/.test(y) ? [x.slice(0, 10), y.slice(0, 10)] : [x, y];
  return dx[0] < dx[1] ? -1 : dx[0] > dx[1] ? 1 : 0;
}

const OPS: Record<string, (c: number) => boolean> = {
  eq: (c) => c === 0,
  ne: (c) => c !== 0,
  gt: (c) => c > 0,
  ge: (c) => c >= 0,
  lt: (c) => c < 0,
  le: (c) => c <= 0,
};

/** One clause of a `$filter`: a known field (as the client spelt it), an operator, a literal. */
export interface FilterClause {
  name: string;
  op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
  value: string | number | boolean;
}

/** The clauses of a `$filter` (all must hold); `between a and b` becomes `ge a` and `le b`. */
export function parseClauses(text: string | undefined, knownFields: readonly string[]): FilterClause[] {
  if (text === undefined || text.trim() === '') return [];
  const t = tokens(text);
  const clauses: FilterClause[] = [];
  let i = 0;
  while (i < t.length) {
    const name = t[i++];
    if (!knownFields.some((f) => f.toLowerCase() === name.toLowerCase())) throw malformed(`Unknown field "${name}" in $filter; filterable: ${knownFields.join(', ')}.`);
    const op = (t[i++] ?? '').toLowerCase();
    if (op === 'between') {
      const low = literal(t[i++]);
      if ((t[i++] ?? '').toLowerCase() !== 'and') throw malformed(`"${name} between" needs "and" between its two values.`);
      const high = literal(t[i++]);
      clauses.push({ name, op: 'ge', value: low }, { name, op: 'le', value: high });
    } else if (OPS[op]) {
      clauses.push({ name, op: op as FilterClause['op'], value: literal(t[i++]) });
    } else {
      throw malformed(`Unsupported operator "${op}" in $filter; use eq, ne, gt, ge, lt, le or between.`);
    }
    if (i < t.length) {
      if (t[i].toLowerCase() !== 'and') throw malformed(`Only "and" may join $filter clauses; found "${t[i]}".`);
      i++;
      if (i >= t.length) throw malformed('$filter ends with "and".');
    }
  }
  return clauses;
}

/** A `$filter` as a predicate over models held in memory (certificates, companies, tax codes). */
export function parseFilter(text: string | undefined, knownFields: readonly string[]): Predicate {
  const clauses = parseClauses(text, knownFields);
  return (m) => clauses.every((c) => OPS[c.op](compare(field(m, c.name), c.value)));
}

/** The `$orderBy` keys: "field [asc|desc], …", fields as the caller spelt them. */
export function parseOrderKeys(text: string | undefined, knownFields: readonly string[]): { name: string; descending: boolean }[] {
  if (text === undefined || text.trim() === '') return [];
  return text.split(',').map((part) => {
    const [name, direction = 'asc', extra] = part.trim().split(/\s+/);
    if (extra !== undefined || !/^(asc|desc)$/i.test(direction) || !knownFields.some((f) => f.toLowerCase() === name.toLowerCase())) {
      throw new ApiError(400, 'InvalidParameterValue', `Cannot order by "${part.trim()}"; use a field (${knownFields.join(', ')}) and asc or desc.`, '$orderBy');
    }
    return { name, descending: direction.toLowerCase() === 'desc' };
  });
}

/** `$orderBy`: "field [asc|desc], …" as a comparator. */
export function parseOrderBy(text: string | undefined, knownFields: readonly string[]): ((a: Record<string, unknown>, b: Record<string, unknown>) => number) | undefined {
  const keys = parseOrderKeys(text, knownFields);
  if (keys.length === 0) return undefined;
  return (a, b) => {
    for (const k of keys) {
      const c = compare(field(a, k.name), field(b, k.name) as string | number | boolean);
      if (c !== 0) return Math.sign(c) * (k.descending ? -1 : 1);
    }
    return 0;
  };
}
