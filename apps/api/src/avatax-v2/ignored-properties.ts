import type { V2Notice } from './create-transaction.model';

/** AvaTax's AvaTaxMessage shape (TransactionModel.messages). */
interface AvaTaxMessage {
  summary: string;
  details: string;
  refersTo: string;
  severity: 'Warning';
  source: string;
}

/**
 * Adds one Warning per request property this ledger does not read to a v2 answer's `messages`, so an
 * extra or misspelt field (`discount`, `adresses`) never vanishes unnoticed. AvaTax SDK clients send
 * fields this ledger does not model, so they are not refused (docs/decisions.md).
 */
export function withIgnoredProperties<T extends { messages?: unknown[] }>(answer: T, ignored: (string | V2Notice)[], model: string): T {
  if (!ignored.length) return answer;
  const warnings: AvaTaxMessage[] = ignored.map((entry) =>
    typeof entry === 'string'
      ? {
          summary: `${entry} is not read by this ledger and was ignored`,
          details: `${model} property ${entry} did not change the calculation; it is kept only in the audit's original request. Check its spelling, or docs/avatax-v2.md for the fields this ledger reads.`,
          refersTo: entry,
          severity: 'Warning',
          source: 'tax-ledger',
        }
      : { summary: entry.summary, details: entry.details, refersTo: entry.path, severity: 'Warning', source: 'tax-ledger' },
  );
  return { ...answer, messages: [...(answer.messages ?? []), ...warnings] };
}
