import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { anyObject, answerSchema, ApiAnswers, arrayOf, bool, date, dateTime, int, nullable, num, object, oneOfStrings, recordsetOf, str } from '../common/api-answers';

/** AvaTax's TransactionModel as transaction.presenter.ts answers it, its list and its audit. */

/** AvaTaxMessage (TransactionModel.messages): exactly these five keys. */
export const AVATAX_MESSAGE = answerSchema(
  'AvaTaxMessage',
  object({ summary: str(), details: str(), refersTo: str(undefined, { example: 'Line 1' }), severity: oneOfStrings(['Error', 'Warning']), source: str(undefined, { example: 'tax-ledger content' }) }),
);

const DETAIL = object(
  {
    id: int(),
    country: str(),
    region: str(),
    jurisCode: str(),
    jurisName: str(),
    jurisType: oneOfStrings(['CNT', 'STA', 'CTY', 'CIT', 'STJ']),
    jurisdictionType: oneOfStrings(['Country', 'State', 'County', 'City', 'Special']),
    taxType: str(),
    taxName: str(),
    rate: num(),
    tax: num(),
    taxCalculated: num(),
    taxableAmount: num(),
    exemptAmount: num(),
    nonTaxableAmount: num(),
    rateType: str(),
    exemptionReason: str(),
    exemptCertId: int('The certificate that exempted it'),
  },
  ['id', 'country', 'region', 'jurisCode', 'jurisName', 'jurisType', 'taxName', 'rate', 'tax', 'taxableAmount', 'exemptAmount'],
);

const LINE = object(
  {
    id: int(),
    lineNumber: str(),
    itemCode: str(),
    description: str(),
    taxCode: str(),
    quantity: num(),
    lineAmount: num('Negative on return documents'),
    discountAmount: num(),
    tax: num(),
    taxCalculated: num(),
    taxableAmount: num(),
    exemptAmount: num(),
    isItemTaxable: bool(),
    taxIncluded: bool(),
    entityUseCode: str(),
    exemptNo: str(),
    exemptCertId: int('The certificate that exempted the line; 0: none'),
    taxDate: date(),
    reportingDate: date(),
    taxOverrideType: oneOfStrings(['None', 'TaxAmount', 'TaxDate']),
    taxOverrideAmount: num(),
    details: arrayOf(DETAIL, '$include=Details'),
  },
  ['id', 'lineNumber', 'lineAmount', 'tax', 'taxableAmount', 'exemptAmount', 'exemptCertId'],
);

const ADDRESS = object(
  {
    id: int(),
    boundaryLevel: oneOfStrings(['Address', 'Zip5']),
    line1: str(),
    line2: str(),
    line3: str(),
    city: str(),
    region: str(),
    postalCode: str(),
    country: str(),
    latitude: str(),
    longitude: str(),
    locationCode: str(),
  },
  ['id', 'line1', 'city', 'region', 'postalCode', 'country'],
);

const SUMMARY_ROW = object(
  { country: str(), region: str(), jurisType: str(), jurisCode: str(), jurisName: str(), taxType: str(), taxName: str(), rateType: str(), rate: num(), taxable: num(), tax: num(), taxCalculated: num(), nonTaxable: num(), exemption: num() },
  ['country', 'region', 'jurisName', 'taxName', 'rate', 'taxable', 'tax'],
);

export const TRANSACTION_MODEL = answerSchema(
  'TransactionModel',
  object(
    {
      id: int('The document\'s numeric id (GET /api/v2/transactions/{id}): the log position of its first event, stable across versions and rebuilds'),
      code: str(),
      companyId: int(),
      date: date(),
      taxDate: date(),
      status: oneOfStrings(['Temporary', 'Saved', 'Posted', 'Committed', 'Cancelled']),
      type: str(undefined, { example: 'SalesInvoice' }),
      currencyCode: str(),
      customerCode: str(),
      customerVendorCode: str(),
      entityUseCode: str(),
      exemptNo: str(),
      purchaseOrderNo: str(),
      reconciled: bool(),
      locked: bool('Filed in the ledger'),
      version: int(),
      totalAmount: num(),
      totalExempt: num(),
      totalDiscount: num(),
      totalTax: num(),
      totalTaxable: num(),
      totalTaxCalculated: num(),
      adjustmentReason: str(undefined, { example: 'NotAdjusted' }),
      adjustmentDescription: str(),
      region: str(),
      country: str(),
      modifiedDate: dateTime(),
      taxOverrideType: str(),
      taxOverrideAmount: num(),
      messages: arrayOf(AVATAX_MESSAGE, 'Coverage messages and ignored properties; present only when there are any (as AvaTax does)'),
      lines: arrayOf(LINE, '$include=Lines (the default of the reads)'),
      addresses: arrayOf(ADDRESS, '$include=Addresses'),
      summary: arrayOf(SUMMARY_ROW, '$include=Summary'),
    },
    ['id', 'code', 'companyId', 'date', 'status', 'type', 'currencyCode', 'customerCode', 'reconciled', 'locked', 'version', 'totalAmount', 'totalExempt', 'totalTax', 'totalTaxable', 'adjustmentReason', 'modifiedDate'],
  ),
);

export const TRANSACTION_LIST = recordsetOf('TransactionModelList', TRANSACTION_MODEL, { '@nextLink': str('The next page, when there is one') });

export const TRANSACTION_AUDIT = answerSchema(
  'AuditTransactionModel',
  object({
    companyId: int(),
    serverTimestamp: dateTime(),
    serverDuration: num('Seconds'),
    apiCallStatus: oneOfStrings(['OriginalApiCallAvailable', 'ReconstructedApiCallWithOriginalTimestamps']),
    original: object({ request: nullable(anyObject('The request as received (v2 calls)')), response: TRANSACTION_MODEL }),
    reconstructed: object({ request: anyObject('A CreateTransactionModel that records the same document') }),
  }),
);

const REFUSED =
  'ContentNotCovered (strict coverage: ?strict=true or the company\'s strictCoverage, and coverage messages of severity Error; one detail per message) ' +
  'or a refusal in AvaTax\'s words (DocumentCodeConflict, CannotModifyLockedTransaction, …). Nothing was written';

/** A v2 route answering a TransactionModel (and AvaTax's refusals, 400; a missing document, 404). */
export const ApiV2Transaction = (status: number | number[] = 200, description = 'TransactionModel; `messages` when content did not cover everything') =>
  applyDecorators(ApiAnswers(status, TRANSACTION_MODEL, description, [404, 409]), ApiResponse({ status: 400, description: REFUSED }));

/** Routes that calculate: as `ApiV2Transaction`, strict coverage included. */
export const ApiV2Calculated = (status: number | number[]) => ApiV2Transaction(status);

/** The v2 transaction list (FetchResult<TransactionModel>): `$filter`, `$orderBy`, `$top`, `$skip` are refused with 400 when malformed. */
export const ApiV2TransactionList = () => ApiAnswers(200, TRANSACTION_LIST, 'A page of the company\'s transactions', [404]);
