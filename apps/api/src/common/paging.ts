import type { FastifyReply } from 'fastify';
import { setImmediate as eventLoopTurn } from 'node:timers/promises';

/**
 * What one read may cost. A document has up to 10,000 lines (about 10 MB of JSON), so a list of whole
 * documents is paged by lines as well as by count: a page stops before the item that would take it past
 * MAX_PAGE_LINES (one full-size document always fits), or after its `limit` items.
 */
export const MAX_PAGE_LINES = 10_000;
/** Versions and history events per page: the default and the maximum. */
export const MAX_PAGE_ITEMS = 100;

export interface Page<Cursor> {
  /** The page's items as one JSON array text. */
  json: string;
  count: number;
  /** Where the next page starts; undefined when this page is the last. */
  next?: Cursor;
}

export interface PageOptions<T, Cursor> {
  limit: number;
  /** Document lines an item carries (0 for an item without a document). */
  lines: (item: T) => number;
  /** The item as it is answered (serialised at once; the objects are not kept). */
  present: (item: T) => unknown;
  /** The next page's start when it begins with this item. */
  cursor: (item: T) => Cursor;
  /**
   * Items with the same group are never split across pages (a cursor that cannot point inside a group,
   * e.g. `startCode` when one code has a Sale and a Purchase): the page ends before the group, or, when
   * the group starts the page, takes all of it.
   */
  group?: (item: T) => string;
}

/**
 * Builds one page so that a read can neither stall the server nor hold much memory: items are pulled
 * one at a time from `items`, each is presented and serialised at once, and the event loop gets a turn
 * between items (other requests, /health, run there). At most one item beyond the page is pulled (to
 * know where the next page starts).
 */
export async function collectPage<T, Cursor>(items: AsyncIterable<T>, options: PageOptions<T, Cursor>): Promise<Page<Cursor>> {
  const taken: { json: string; group?: string; cursor: () => Cursor }[] = [];
  let lines = 0;
  let groupStart = 0; // index in `taken` where the current group began
  for await (const item of items) {
    const itemLines = options.lines(item);
    const group = options.group?.(item);
    const sameGroup = group !== undefined && taken.length > 0 && taken[taken.length - 1].group === group;
    if (!sameGroup) groupStart = taken.length;
    const full = taken.length >= options.limit || (taken.length > 0 && lines + itemLines > MAX_PAGE_LINES);
    if (full && !(sameGroup && groupStart === 0)) {
      if (sameGroup) {
        const next = taken[groupStart].cursor();
        taken.length = groupStart;
        return page(taken, next);
      }
      return page(taken, options.cursor(item));
    }
    taken.push({ json: await toJson(options.present(item)), group, cursor: () => options.cursor(item) });
    lines += itemLines;
    await eventLoopTurn();
  }
  return page<Cursor>(taken, undefined);
}

/** Lines serialised between two turns of the event loop. */
const LINES_PER_TURN = 1000;

/**
 * JSON.stringify, except that a document's `lines` are written a chunk at a time with the event loop
 * free in between (a 10,000-line document is about 10 MB of JSON). Same text as JSON.stringify.
 */
export async function toJson(value: unknown): Promise<string> {
  const lines = (value as { lines?: unknown } | null)?.lines;
  if (!Array.isArray(lines) || lines.length <= LINES_PER_TURN) return JSON.stringify(value);
  const members: string[] = [];
  for (const [name, member] of Object.entries(value as Record<string, unknown>)) {
    if (name !== 'lines') {
      const json = JSON.stringify(member);
      if (json !== undefined) members.push(`${JSON.stringify(name)}:${json}`);
      continue;
    }
    const chunks: string[] = [];
    for (let i = 0; i < lines.length; i += LINES_PER_TURN) {
      chunks.push(JSON.stringify(lines.slice(i, i + LINES_PER_TURN)).slice(1, -1));
      await eventLoopTurn();
    }
    members.push(`"lines":[${chunks.join(',')}]`);
  }
  return `{${members.join(',')}}`;
}

function page<Cursor>(taken: { json: string }[], next: Cursor | undefined): Page<Cursor> {
  return { json: `[${taken.map((t) => t.json).join(',')}]`, count: taken.length, ...(next === undefined ? {} : { next }) };
}

/** The next page's address: the request's own path and query with `changes` applied, absolute under `publicUrl` (LEDGER_PUBLIC_URL) like Location. */
export function nextPageUrl(requestUrl: string, changes: Record<string, string | number>, publicUrl = ''): string {
  const [path, query = ''] = requestUrl.split('?');
  const params = new URLSearchParams(query);
  for (const [name, value] of Object.entries(changes)) params.set(name, String(value));
  return `${publicUrl}${path}?${params.toString()}`;
}

/** Answers a JSON text built by the caller, with `Link: <next>; rel="next"` when there is a next page. */
export function sendJson(reply: FastifyReply, json: string, next: string | undefined): string {
  void reply.header('Content-Type', 'application/json; charset=utf-8');
  if (next !== undefined) void reply.header('Link', `<${next}>; rel="next"`);
  return json;
}
