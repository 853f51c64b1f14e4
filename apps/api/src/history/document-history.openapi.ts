import { anyObject, answerSchema, arrayOf, dateTime, int, nullable, object, oneOfStrings, str } from '../common/api-answers';

/** The audit history of a document stream (`…/history`), as document-history.ts builds it. */

const change = (schema: { type: 'number' | 'string' }) => object({ before: nullable({ ...schema }), after: nullable({ ...schema }) });

const VERSION_DIFF = object(
  {
    fromVersion: nullable(int()),
    toVersion: int(),
    lines: arrayOf(
      object(
        { lineCode: str(), change: oneOfStrings(['added', 'removed', 'changed']), itemCode: change({ type: 'string' }), quantity: change({ type: 'number' }), amount: change({ type: 'number' }), tax: change({ type: 'number' }) },
        ['lineCode', 'change'],
      ),
    ),
    totalAmount: change({ type: 'number' }),
    totalTax: change({ type: 'number' }),
    grandTotal: change({ type: 'number' }),
    totalAmountDelta: str('Decimal text'),
    totalTaxDelta: str('Decimal text'),
  },
  ['fromVersion', 'toVersion', 'lines', 'totalAmount', 'totalTax', 'grandTotal'],
);

export const HISTORY_ENTRY = answerSchema(
  'DocumentHistoryEntry',
  object(
    {
      revision: int('Position in the document\'s stream, from 0'),
      globalPosition: int(),
      eventId: str(),
      type: str(undefined, { example: 'TransactionRecorded' }),
      version: nullable(int()),
      versionId: nullable(str()),
      stateBefore: nullable(str()),
      stateAfter: nullable(str()),
      actor: str(),
      credentialId: str(),
      userAgent: str(),
      requestId: str(),
      clientRequestId: nullable(str()),
      correlationId: str(),
      comment: nullable(str()),
      occurredAt: dateTime(),
      schemaVersion: int(),
      hash: nullable(str('The event\'s link in the hash chain')),
      changes: { ...VERSION_DIFF, nullable: true, description: 'What changed from the previous version (versions only)' },
      messages: nullable(arrayOf(anyObject('A coverage message (CoverageMessageDto)'))),
    },
    ['revision', 'eventId', 'type', 'actor', 'occurredAt'],
  ),
);

export const DOCUMENT_HISTORY = answerSchema(
  'DocumentHistory',
  object({
    companyCode: str(),
    transactionType: str(),
    documentCode: str(),
    events: arrayOf(HISTORY_ENTRY, 'A page of events, oldest first'),
    nextLink: nullable(str('The next page (also the Link header); null on the last')),
  }),
);
