import type { TransactionView } from '@tax-ledger/transactions';
import type { TaxDocument, TaxDocumentLine } from '@tax-ledger/tax-engine';
import { randomUUID } from 'node:crypto';
import { type DocumentType, v2Error } from './avatax-codes';
import { toV2Create, type V2Line } from './create-transaction.model';
import { reconstructRequest } from './reconstruct-request';

/*
 * AvaTax `lines/add` and `lines/delete` (AddTransactionLineModel, RemoveTransactionLineModel): the
 * document's next version, with lines added or removed, to be calculated again like an adjustment.
 * Existing lines are kept exactly as recorded (only their calculated parts are dropped); added lines go
 * through the same mapping and checks as a create.
 */

/** The document as a request again: header and lines without what the engine added. */
function uncalculated(current: TransactionView): TaxDocument {
  const { calculatedTaxSummary: _summary, messages: _messages, ...document } = current.document;
  return { ...document, lines: document.lines.map(({ calculatedTax: _tax, ...line }) => line) };
}

const renumbered = (lines: TaxDocumentLine[], renumber: boolean) => (renumber ? lines.map((l, i) => ({ ...l, lineCode: String(i + 1) })) : lines);

export function withLinesAdded(current: TransactionView, documentType: DocumentType, added: unknown, renumber: boolean): TaxDocument {
  if (!Array.isArray(added) || added.length === 0) throw v2Error(400, 'MissingLine', 'lines/add needs at least one line in "lines".', 'lines');
  const document = uncalculated(current);
  // A line without a number gets a generated one, as AvaTax does (renumber: true makes them 1, 2, 3, …).
  const lines = added.map((l: V2Line) => (l !== null && typeof l === 'object' && (l.number === undefined || l.number === null || l.number === '') ? { ...l, number: randomUUID() } : l));
  // The document discount stays with the lines that took it: an added line takes no share of it.
  const { discount: _discount, ...request } = reconstructRequest(current, documentType);
  const mapped = toV2Create({ ...request, lines }).document.lines;
  const taken = new Set(document.lines.map((l) => l.lineCode));
  const clash = mapped.findIndex((l) => taken.has(l.lineCode));
  if (clash >= 0) throw v2Error(400, 'LineAlreadyExists', `The transaction already has a line "${mapped[clash].lineCode}".`, `lines[${clash}].number`);
  return { ...document, lines: renumbered([...document.lines, ...mapped], renumber) };
}

export function withLinesDeleted(current: TransactionView, removed: unknown, renumber: boolean): TaxDocument {
  if (!Array.isArray(removed) || removed.length === 0) throw v2Error(400, 'ValueRequiredError', 'lines/delete needs the numbers of the lines to remove in "lines".', 'lines');
  const document = uncalculated(current);
  const wanted = removed.map(String);
  const unknown = wanted.find((n) => !document.lines.some((l) => l.lineCode === n));
  if (unknown !== undefined) throw v2Error(400, 'LineNoOutOfRange', `The transaction has no line "${unknown}".`, 'lines');
  const kept = document.lines.filter((l) => !wanted.includes(l.lineCode));
  if (kept.length === 0) throw v2Error(400, 'MissingLine', 'A transaction keeps at least one line; void it instead of deleting every line.', 'lines');
  return { ...document, lines: renumbered(kept, renumber) };
}
