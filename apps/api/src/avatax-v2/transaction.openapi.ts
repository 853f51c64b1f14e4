import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto, V2TransactionResponseDto } from '../company-setup/coverage.openapi';

/** OpenAPI documentation of REST v2 TransactionModel answers and their errors (response documentation only). */

export class V2TransactionModelDto extends V2TransactionResponseDto {
  @ApiProperty({ description: 'The document\'s numeric id (GET /api/v2/transactions/{id}); the log position of its first event', example: 1042 }) id: number;
  @ApiProperty() companyId: number;
  @ApiProperty({ example: 'SalesInvoice' }) type: string;
  @ApiProperty({ example: '2024-03-15' }) date: string;
  @ApiProperty({ example: '2024-03-15' }) taxDate: string;
  @ApiProperty() customerCode: string;
  @ApiProperty({ example: 'USD' }) currencyCode: string;
  @ApiProperty({ description: 'The ledger version: each adjust, createoradjust, lines/add, lines/delete is a new one' }) version: number;
  @ApiProperty() locked: boolean;
  @ApiProperty() reconciled: boolean;
  @ApiProperty({ description: 'Negative for returns' }) totalAmount: number;
  @ApiProperty({ description: 'Negative for returns' }) totalTax: number;
  @ApiProperty() totalTaxable: number;
  @ApiProperty() totalExempt: number;
  @ApiProperty() adjustmentReason: string;
  @ApiProperty() modifiedDate: string;
  @ApiPropertyOptional({ type: 'array', items: { type: 'object' }, description: 'With $include Lines (the default of gets), Details (each line\'s details), LinesOnly' }) lines?: unknown[];
  @ApiPropertyOptional({ type: 'array', items: { type: 'object' }, description: 'With $include Summary or SummaryOnly: tax by jurisdiction' }) summary?: unknown[];
  @ApiPropertyOptional({ type: 'array', items: { type: 'object' }, description: 'With $include Addresses' }) addresses?: unknown[];
}

export class V2TransactionListDto {
  @ApiProperty({ description: 'How many documents match $filter (before $skip / $top)' }) '@recordsetCount': number;
  @ApiProperty({ type: [V2TransactionModelDto] }) value: V2TransactionModelDto[];
  @ApiPropertyOptional({ description: 'The next page ($skip moved on), when there is one' }) '@nextLink'?: string;
}

const ERRORS = [
  { status: 400, description: 'AvaTax error codes (ValueRequiredError, InvalidParameterValue, InvalidEnumValue, CannotModifyLockedTransaction, TransactionAlreadyCancelled, …); nothing was written' },
  { status: 401, description: 'AuthenticationException' },
  { status: 403, description: 'AuthorizationException: the role may not' },
  { status: 404, description: 'EntityNotFoundError: no such company or document in this account' },
];

/** A v2 route answering one TransactionModel (`status`: 200 or 201), with the errors in AvaTax's shape. */
export const ApiV2Transaction = (status = 200) =>
  applyDecorators(
    ApiExtraModels(V2TransactionModelDto, ErrorResponseDto),
    ApiResponse({ status, type: V2TransactionModelDto, description: 'TransactionModel' }),
    ...ERRORS.map((e) => ApiResponse({ ...e, type: ErrorResponseDto })),
  );

/** The v2 transaction list (FetchResult<TransactionModel>), with the errors in AvaTax's shape. */
export const ApiV2TransactionList = () =>
  applyDecorators(
    ApiResponse({ status: 200, type: V2TransactionListDto, description: 'FetchResult<TransactionModel>' }),
    ApiResponse({ status: 400, type: ErrorResponseDto, description: 'MalformedFilterException ($filter), InvalidParameterValue ($orderBy), QueryParameterOutOfRange ($top, $skip)' }),
    ...ERRORS.slice(1).map((e) => ApiResponse({ ...e, type: ErrorResponseDto })),
  );
