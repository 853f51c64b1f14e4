import { ApiResponse } from '@nestjs/swagger';
import { applyDecorators } from '@nestjs/common';
import { LIABILITY_MEASURES } from '@tax-ledger/filing-periods';
import { anyObject, answerSchema, ApiErrors, arrayOf, dateTime, int, nullable, num, object, type Schema, str } from '../common/api-answers';

/** The reports' answers: JSON (schemas below), CSV or HTML (?format= or Accept; report-negotiation.ts). */

const MONEY = { totalAmount: num(), totalTax: num() };
const LINE_PROPERTIES = {
  ...Object.fromEntries(LIABILITY_MEASURES.map((measure) => [measure, num()])),
  documentCounts: anyObject('Documents by state'),
  documentsWithCoverageWarnings: int(),
  documentsWithCoverageErrors: int(),
};
const LINE_REQUIRED = [...LIABILITY_MEASURES, 'documentCounts', 'documentsWithCoverageWarnings', 'documentsWithCoverageErrors'];
const LIABILITY_LINE = object(LINE_PROPERTIES, LINE_REQUIRED, 'Money (sales, exemptions, tax, purchases, use tax) and document counts');
const CURRENCY_LINE = object({ currency: str(), ...LINE_PROPERTIES }, ['currency', ...LINE_REQUIRED]);

export const LIABILITY_REPORT = answerSchema(
  'LiabilityReport',
  object(
    {
      report: { type: 'string', enum: ['liability'] },
      companyCode: str(),
      period: str('YYYY-MM'),
      region: str(),
      periodStatus: str('Open when nothing was done to the period yet'),
      generatedAt: dateTime(),
      totals: { ...CURRENCY_LINE, nullable: true, description: 'Null when the documents are in several currencies (totalsByCurrency)' },
      totalsByCurrency: arrayOf(CURRENCY_LINE),
      regions: arrayOf(
        object({
          currency: str(),
          country: str(),
          region: str(),
          totals: LIABILITY_LINE,
          jurisdictions: arrayOf(object({ jurisdictionType: str(), jurisdictionCode: str(), jurisdictionName: str(), taxTypes: arrayOf(anyObject('taxType with its liability line')) })),
        }),
      ),
      voidedDocuments: arrayOf(
        object({ documentCode: str(), currency: str(), transactionType: str(), transactionDate: str(), version: int(), ...MONEY }),
      ),
      priorPeriodAdjustments: nullable(anyObject('Changes to the period\'s documents after it was filed')),
    },
    ['report', 'companyCode', 'period', 'periodStatus', 'generatedAt', 'totals', 'totalsByCurrency', 'regions', 'voidedDocuments', 'priorPeriodAdjustments'],
  ),
);

const CATEGORIES = ['matched', 'amountMismatch', 'taxMismatch', 'dateMismatch', 'missingInLedger', 'missingInClientBooks'];
const byCategory = (schema: Schema) => object(Object.fromEntries(CATEGORIES.map((c) => [c, schema])));

export const RECONCILIATION_REPORT = answerSchema(
  'ReconciliationReport',
  object(
    {
      report: { type: 'string', enum: ['reconciliation'] },
      companyCode: str(),
      period: str('YYYY-MM'),
      region: str(),
      generatedAt: dateTime(),
      summary: byCategory(object({ count: int(), ledgerTotalAmount: num(), ledgerTotalTax: num(), clientTotalAmount: num(), clientTotalTax: num() })),
      ignoredOutsidePeriod: int('Client rows dated outside the period that match no document of it'),
      items: byCategory(
        arrayOf(
          object(
            {
              documentCode: str(),
              transactionType: str(),
              ledger: object({ transactionDate: str(), totalAmount: num(), totalTax: num(), state: str() }),
              client: object({ source: str(), transactionDate: str(), totalAmount: num(), totalTax: num() }),
              difference: object({ totalAmount: num(), totalTax: num() }, [], 'client − ledger'),
            },
            ['documentCode', 'transactionType'],
          ),
        ),
      ),
    },
    ['report', 'companyCode', 'period', 'generatedAt', 'summary', 'ignoredOutsidePeriod', 'items'],
  ),
);

/** A report's answer in each of its formats, and its errors (406: an Accept it cannot answer). */
export const ApiReport = (schema: Schema, description: string) =>
  applyDecorators(
    ApiResponse({
      status: 200,
      description,
      content: {
        'application/json': { schema },
        'text/csv': { schema: { type: 'string' } },
        'text/html': { schema: { type: 'string' } },
      },
    }),
    ApiErrors(404, 406),
  );
