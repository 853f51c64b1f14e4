import type { CalculatedTaxDocument, CoverageMessage } from '@tax-ledger/tax-engine';
import { ApiError, type ErrorDetail } from '../common/api-error';
import { booleanQuery } from '../common/validation';

/**
 * Strict coverage (issue 12): the one place it is decided whether a calculation may be recorded with
 * coverage messages of severity Error. Default lenient: the document is recorded and carries its
 * messages. Strict applies when the request says `strict=true` or the company's setting
 * (`strictCoverage`, a CompanySettingsChanged event) is on. A request cannot loosen a company's setting:
 * `strict=false` means "no stricter than the company", never "ignore the tax team's choice".
 * Warnings never refuse.
 */
export function strictApplies(requested: boolean | undefined, company: { strictCoverage?: boolean } | null | undefined): boolean {
  return requested === true || company?.strictCoverage === true;
}

/** The coverage messages that refuse a calculation under strict mode. */
export const blockingMessages = (document: CalculatedTaxDocument): CoverageMessage[] => (document.messages ?? []).filter((m) => m.severity === 'Error');

/**
 * 422 ContentNotCovered: under strict mode the calculation had Error messages; nothing was written.
 * One detail per Error message: code, message (its summary), refersTo and target (`Line <lineCode>` or
 * `Header`), description (its details) and the facts the engine gave (level, jurisdiction, region, zip, firstDate, taxCode).
 */
export class ContentNotCoveredError extends ApiError {
  constructor(readonly messages: CoverageMessage[]) {
    const more = messages.length > 1 ? ` (and ${messages.length - 1} more)` : '';
    super(
      422,
      'ContentNotCovered',
      `Content does not cover this document: ${messages[0].summary}${more}. Strict coverage refuses it; nothing was recorded.`,
      messages[0].refersTo,
      messages.map(coverageDetail),
    );
    this.name = 'ContentNotCoveredError';
  }
}

function coverageDetail(m: CoverageMessage): ErrorDetail {
  const { code, severity, summary, details, refersTo, source, lineIndex, ...facts } = m;
  void source;
  void lineIndex;
  return { code, message: summary, severity, refersTo, target: refersTo, description: details, ...facts };
}

/** Refuses (ContentNotCoveredError) a calculated document with an Error message when strict applies. */
export function refuseUncovered(document: CalculatedTaxDocument, strict: boolean): void {
  if (!strict) return;
  const blocking = blockingMessages(document);
  if (blocking.length > 0) throw new ContentNotCoveredError(blocking);
}

/** The `strict` query parameter: true / false (any case), absent = undefined; anything else is a 400. */
export const parseStrict = (value: unknown, code = 'InvalidStrict') => booleanQuery(value, 'strict', code);

/** OpenAPI description of the `strict` query parameter (every route that calculates). */
export const STRICT_QUERY = {
  name: 'strict',
  required: false,
  enum: ['true', 'false'],
  description:
    'Strict coverage: true refuses a calculation whose coverage messages include one of severity Error (ContentNotCovered, nothing written). ' +
    "Default: the company's strictCoverage setting (lenient unless set); false cannot loosen a company's strict setting.",
} as const;
