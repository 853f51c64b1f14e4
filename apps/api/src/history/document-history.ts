/**
 * Document history: every event of one document stream, in order, with who/when/why, the state before
 * and after, and what changed between versions. Pure (no Nest): works for any stream whose events follow
 * the ledger's conventions, so TaxTransaction and TaxCalculation streams share it:
 * - a *version event* carries `data.version` and `data.document` (a calculated TNG document);
 * - a *state event* carries `data.from` and `data.to` (and optionally `data.comment`).
 * Other events are listed with their metadata and change nothing.
 */
import Decimal from 'decimal.js';
import type { RecordedEvent } from '@tax-ledger/platform';
import type { CoverageMessage } from '@tax-ledger/tax-engine';

/** What the history needs of a calculated document (CalculatedTaxDocument satisfies it). */
interface HistoryDocument {
  header?: { documentCode?: string; transactionDate?: string };
  lines?: Array<{ lineCode: string; itemCode?: string; quantity?: number; extendedAmount?: number; calculatedTax?: { appliedTax?: number } }>;
  calculatedTaxSummary?: { subtotal?: number; tax?: number; grandTotal?: number };
  messages?: CoverageMessage[];
}

/** A value before and after an event (null: absent on that side). */
export interface Change<T> {
  before: T | null;
  after: T | null;
}

export interface LineChange {
  lineCode: string;
  /** 'added': only in the new version; 'removed': only in the old; 'changed': in both, some field differs. */
  change: 'added' | 'removed' | 'changed';
  itemCode?: Change<string>;
  quantity?: Change<number>;
  amount?: Change<number>;
  tax?: Change<number>;
}

export interface VersionDiff {
  fromVersion: number | null;
  toVersion: number;
  lines: LineChange[];
  totalAmount: Change<number>;
  totalTax: Change<number>;
  grandTotal: Change<number>;
  /** after - before, as decimal text (the ledger keeps money exact). */
  totalAmountDelta: string;
  totalTaxDelta: string;
}

export interface HistoryEntry {
  /** 0-based position of the event in its stream. */
  revision: number;
  globalPosition: number;
  eventId: string;
  type: string;
  /** Document version after the event (null before the first version). */
  version: number | null;
  versionId: string | null;
  stateBefore: string | null;
  stateAfter: string | null;
  actor: string;
  credentialId: string;
  userAgent: string;
  /** The server's id of the request that caused the event. */
  requestId: string;
  /** The caller's own X-Request-Id, when it sent one (null otherwise, and for events before issue 21). */
  clientRequestId: string | null;
  correlationId: string;
  comment: string | null;
  occurredAt: string;
  schemaVersion: number;
  /** Hash chain link of the event, when the store recorded one. */
  hash: string | null;
  /** For version events: what changed against the previous version (every line 'added' for the first). */
  changes: VersionDiff | null;
  /**
   * For version events: the coverage messages the engine recorded with that version (what it knew then;
   * [] when there were none or the version predates them). null for other events.
   */
  messages: CoverageMessage[] | null;
}

export interface DocumentHistoryOptions {
  /** State a version event leaves the document in (the TNG life cycle starts at 'Recorded'). Default 'Recorded'. */
  stateAfterVersion?: string | null;
}

interface VersionData {
  version: number;
  versionId?: string;
  document: HistoryDocument;
}

const isVersionData = (data: unknown): data is VersionData =>
  typeof data === 'object' && data !== null && typeof (data as VersionData).version === 'number' &&
  typeof (data as VersionData).document === 'object' && (data as VersionData).document !== null;

const isStateData = (data: unknown): data is { from: string; to: string; comment?: string } =>
  typeof data === 'object' && data !== null && typeof (data as { to?: unknown }).to === 'string' &&
  typeof (data as { from?: unknown }).from === 'string';

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const delta = (change: Change<number>) => new Decimal(change.after ?? 0).minus(change.before ?? 0).toString();

function change<T>(before: T | null | undefined, after: T | null | undefined): Change<T> {
  return { before: before ?? null, after: after ?? null };
}

/** Lines added, removed and changed (matched by lineCode), and the document totals before/after. */
export function diffVersions(before: HistoryDocument | null, after: HistoryDocument, fromVersion: number | null, toVersion: number): VersionDiff {
  const oldLines = new Map((before?.lines ?? []).map((l) => [l.lineCode, l]));
  const newLines = new Map((after.lines ?? []).map((l) => [l.lineCode, l]));
  const lines: LineChange[] = [];
  for (const [lineCode, line] of newLines) {
    const old = oldLines.get(lineCode);
    const entry: LineChange = { lineCode, change: old ? 'changed' : 'added' };
    const fields: Array<[keyof LineChange, unknown, unknown]> = [
      ['itemCode', old?.itemCode, line.itemCode],
      ['quantity', old?.quantity, line.quantity],
      ['amount', old?.extendedAmount, line.extendedAmount],
      ['tax', old?.calculatedTax?.appliedTax, line.calculatedTax?.appliedTax],
    ];
    let differs = !old;
    for (const [field, was, now] of fields) {
      if (old && was === now) continue;
      differs = true;
      (entry as unknown as Record<string, unknown>)[field] = change(was, now);
    }
    if (differs) lines.push(entry);
  }
  for (const [lineCode, old] of oldLines) {
    if (newLines.has(lineCode)) continue;
    lines.push({
      lineCode,
      change: 'removed',
      itemCode: change(old.itemCode, null),
      quantity: change(old.quantity, null),
      amount: change(old.extendedAmount, null),
      tax: change(old.calculatedTax?.appliedTax, null),
    });
  }
  const totalAmount = change(num(before?.calculatedTaxSummary?.subtotal), num(after.calculatedTaxSummary?.subtotal));
  const totalTax = change(num(before?.calculatedTaxSummary?.tax), num(after.calculatedTaxSummary?.tax));
  const grandTotal = change(num(before?.calculatedTaxSummary?.grandTotal), num(after.calculatedTaxSummary?.grandTotal));
  return {
    fromVersion,
    toVersion,
    lines,
    totalAmount,
    totalTax,
    grandTotal,
    totalAmountDelta: delta(totalAmount),
    totalTaxDelta: delta(totalTax),
  };
}

/** The history of one document stream, oldest event first. Empty when the stream has no events. */
export function documentHistory(events: readonly RecordedEvent[], options: DocumentHistoryOptions = {}): HistoryEntry[] {
  const describer = new HistoryDescriber(options);
  return events.map((event) => describer.describe(event));
}

/** Whether an event carries a document version. */
export const isVersionEvent = (event: RecordedEvent): boolean => isVersionData(event.data);
/** The document lines an event carries (what it costs in a page): a version's lines, else 0. */
export const versionLinesOf = (event: RecordedEvent): number => (isVersionData(event.data) ? (event.data.document.lines?.length ?? 0) : 0);

/**
 * Describes a stream's events one at a time, in order, remembering only the state and the latest
 * version (what the next entry needs): so a history can be paged and streamed. To start in the middle,
 * `describe` the events from the last version event before the page on, and drop those entries.
 */
export class HistoryDescriber {
  private readonly stateAfterVersion: string | null;
  private state: string | null = null;
  private current: VersionData | null = null;

  constructor(options: DocumentHistoryOptions = {}) {
    this.stateAfterVersion = options.stateAfterVersion === undefined ? 'Recorded' : options.stateAfterVersion;
  }

  describe(event: RecordedEvent): HistoryEntry {
    const stateBefore = this.state;
    let changes: VersionDiff | null = null;
    let messages: CoverageMessage[] | null = null;
    let comment: string | null = null;
    if (isVersionData(event.data)) {
      changes = diffVersions(this.current?.document ?? null, event.data.document, this.current?.version ?? null, event.data.version);
      messages = event.data.document.messages ?? [];
      const avatax = (event.data as { avatax?: { recreated?: unknown; renamedFrom?: unknown } }).avatax;
      if (avatax?.recreated === true) {
        comment = 'Re-created with the same code while uncommitted (REST v2 create): recorded as the next version.';
      }
      if (typeof avatax?.renamedFrom === 'string') comment = `Renamed from "${avatax.renamedFrom}" (REST v2 changecode): the document as charged, under this code.`;
      this.current = event.data;
      this.state = this.stateAfterVersion;
    } else if (isStateData(event.data)) {
      this.state = event.data.to;
      comment = typeof event.data.comment === 'string' ? event.data.comment : null;
    } else if (event.type === 'TransactionRenamed') {
      // The document left this code: no state under it any more.
      this.state = null;
      comment = `Renamed to "${String((event.data as { newCode?: unknown }).newCode)}" (REST v2 changecode): the document continues under that code.`;
    }
    const m = event.metadata;
    const hash = (event as RecordedEvent & { hash?: unknown }).hash;
    return {
      revision: event.revision,
      globalPosition: event.globalPosition,
      eventId: event.id,
      type: event.type,
      version: this.current?.version ?? null,
      versionId: this.current?.versionId ?? null,
      stateBefore,
      stateAfter: this.state,
      actor: str(m.actor),
      credentialId: str(m.credentialId),
      userAgent: str(m.userAgent),
      requestId: str(m.requestId),
      clientRequestId: typeof m.clientRequestId === 'string' ? m.clientRequestId : null,
      correlationId: str(m.correlationId),
      comment: typeof m.comment === 'string' ? (comment ? `${comment} ${m.comment}` : m.comment) : comment,
      occurredAt: str(m.occurredAt),
      schemaVersion: typeof m.schemaVersion === 'number' ? m.schemaVersion : 1,
      hash: typeof hash === 'string' ? hash : null,
      changes,
      messages,
    };
  }
}

/**
 * An `asOf` query value: an ISO 8601 instant (with time zone or Z) or a calendar date, which means the
 * end of that day in UTC ("as filed on 2024-02-01"). Returns epoch milliseconds, or null when invalid.
 */
export function parseAsOf(value: string): number | null {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (date) {
    const ms = Date.parse(`${value}T23:59:59.999Z`);
    return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value ? null : ms;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** The events of a stream that had happened by `asOfMs` (by their metadata.occurredAt). */
export function eventsAsOf<E extends RecordedEvent>(events: readonly E[], asOfMs: number): E[] {
  const result: E[] = [];
  for (const event of events) {
    const at = Date.parse(String(event.metadata.occurredAt));
    if (!(at <= asOfMs)) break; // a stream is in time order: nothing after this one happened earlier
    result.push(event);
  }
  return result;
}
