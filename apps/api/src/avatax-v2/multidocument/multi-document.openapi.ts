import { anyObject, answerSchema, ApiAnswers, arrayOf, dateTime, int, nullable, num, object, oneOfStrings, recordsetOf, str } from '../../common/api-answers';
import { TRANSACTION_MODEL } from '../transaction.openapi';

/** AvaTax's MultiDocumentModel as multi-documents.ts answers it, its list and its audit. */
export const MULTI_DOCUMENT_MODEL = answerSchema(
  'MultiDocumentModel',
  object(
    {
      id: int('The MultiDocument\'s numeric id (GET /api/v2/transactions/multidocument/{id}): the log position of its first event; 0 for an *Order, which is not kept'),
      accountId: str(),
      code: str(),
      type: str(undefined, { example: 'SalesInvoice' }),
      createdDate: dateTime(),
      createdUserId: int('0: the ledger names users by actor (createdBy)'),
      createdBy: str('Extension: the actor that created it (credential or user)'),
      modifiedDate: dateTime(),
      modifiedUserId: int('0: see modifiedBy'),
      modifiedBy: str('Extension: the actor of the last change'),
      documents: arrayOf(TRANSACTION_MODEL, 'One ordinary transaction per seller company (lines[].companyCode), each under the MultiDocument\'s code'),
    },
    ['id', 'accountId', 'code', 'type', 'createdDate', 'createdUserId', 'modifiedDate', 'modifiedUserId', 'documents'],
  ),
);

export const MULTI_DOCUMENT_LIST = recordsetOf('MultiDocumentModelList', MULTI_DOCUMENT_MODEL, { '@nextLink': str('The next page, when there is one') });

export const MULTI_DOCUMENT_AUDIT = answerSchema(
  'AuditMultiDocumentModel',
  object({
    code: str(),
    type: str(),
    serverTimestamp: dateTime(),
    serverDuration: num('Seconds: the calculations of its components'),
    apiCallStatus: oneOfStrings(['OriginalApiCallAvailable', 'ReconstructedApiCallWithOriginalTimestamps']),
    original: object({ request: nullable(anyObject('The CreateMultiDocumentModel as received (of the last create or adjust)')), response: MULTI_DOCUMENT_MODEL }),
    reconstructed: object({ request: anyObject('A CreateMultiDocumentModel that records the same documents') }),
  }),
);

/** A v2 route answering a MultiDocumentModel; AvaTax's refusals are 400, a missing MultiDocument 404, a race 409. */
export const ApiMultiDocument = (status = 200) => ApiAnswers(status, MULTI_DOCUMENT_MODEL, 'MultiDocumentModel: the MultiDocument and its component transactions', [404, 409]);
