import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

/** OpenAPI schemas of coverage messages and of the ContentNotCovered refusal (response documentation only). */

const CODES = ['LocalContentMissing', 'DateBeforeContent', 'RegionNotCovered', 'NoTaxLocation', 'AddressStateZipMismatch', 'StateInferredFromZip', 'UnknownTaxCode', 'RuleNotModelled', 'PriceRuleCurrency'];

export class CoverageMessageDto {
  @ApiProperty({ enum: CODES, example: 'LocalContentMissing' }) code: string;
  @ApiProperty({ enum: ['Error', 'Warning'], description: 'Error: the tax may be wrong (strict mode refuses it); Warning: right as far as content goes, worth a look' }) severity: string;
  @ApiProperty({ example: 'No local tax content for ZIP 67202 (KS)' }) summary: string;
  @ApiProperty({ description: 'What was done instead and what it means for the figure' }) details: string;
  @ApiProperty({ example: 'Line 1', description: '`Line <lineCode>` or `Header`' }) refersTo: string;
  @ApiProperty({ example: 'tax-ledger content' }) source: string;
  @ApiPropertyOptional() lineIndex?: number;
  @ApiPropertyOptional() lineCode?: string;
  @ApiPropertyOptional({ enum: ['Country', 'StateOrProvince', 'Local', 'Taxability', 'Address'] }) level?: string;
  @ApiPropertyOptional() jurisdictionName?: string;
  @ApiPropertyOptional({ example: 'KS' }) region?: string;
  @ApiPropertyOptional({ example: '67202' }) zip?: string;
  @ApiPropertyOptional({ description: 'DateBeforeContent: the first date content has' }) firstDate?: string;
  @ApiPropertyOptional() taxCode?: string;
}

/** A TNG document answer (seed TaxDocument format plus calculated parts). */
export class TngDocumentResponseDto {
  @ApiProperty({ type: 'object', additionalProperties: true }) header: Record<string, unknown>;
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Lines with calculatedTax' }) lines: unknown[];
  @ApiProperty({ type: 'object', additionalProperties: true }) calculatedTaxSummary: Record<string, unknown>;
  @ApiPropertyOptional({
    type: [CoverageMessageDto],
    description:
      'Coverage messages: what content could not cover for this version, exactly as recorded with it (from its event, never recomputed). Absent when everything was covered (and on versions recorded before messages existed).',
  })
  messages?: CoverageMessageDto[];
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'transactionState, versionId, version, formatId, duration, modifiedDate' }) processingInfo: Record<string, unknown>;
}

/** AvaTax's AvaTaxMessage (TransactionModel.messages): exactly these five keys. */
export class AvaTaxMessageDto {
  @ApiProperty() summary: string;
  @ApiProperty() details: string;
  @ApiProperty({ example: 'Line 1' }) refersTo: string;
  @ApiProperty({ enum: ['Error', 'Warning'] }) severity: string;
  @ApiProperty({ example: 'tax-ledger content' }) source: string;
}

export class V2TransactionResponseDto {
  @ApiProperty() code: string;
  @ApiProperty() status: string;
  @ApiPropertyOptional({ type: [AvaTaxMessageDto], description: 'Coverage messages in AvaTax\'s shape; present only when there are any (as AvaTax does)' })
  messages?: AvaTaxMessageDto[];
}

export class ErrorDetailDto {
  @ApiProperty({ example: 'LocalContentMissing' }) code: string;
  @ApiProperty({ description: 'ContentNotCovered: the message\'s summary' }) message: string;
  @ApiProperty({ enum: ['Error', 'Warning'] }) severity: string;
  @ApiPropertyOptional({ example: 'Line 1' }) refersTo?: string;
  @ApiPropertyOptional({ example: 'Line 1', description: 'ContentNotCovered: same as refersTo' }) target?: string;
  @ApiPropertyOptional({ description: 'ContentNotCovered: the message\'s details (v2 also faultCode "Client")' }) description?: string;
}

export class ErrorInfoDto {
  @ApiProperty({ example: 'ContentNotCovered' }) code: string;
  @ApiProperty() message: string;
  @ApiPropertyOptional({ example: 'Line 1' }) target?: string;
  @ApiProperty({ type: [ErrorDetailDto] }) details: ErrorDetailDto[];
}

export class ErrorResponseDto {
  @ApiProperty({ type: ErrorInfoDto }) error: ErrorInfoDto;
}

const REFUSED =
  'ContentNotCovered: strict coverage applies (?strict=true or the company\'s strictCoverage setting) and the calculation has coverage messages of severity Error; ' +
  'one detail per Error message. Nothing was written (no event, no Idempotency-Key consumed).';

/** Responses of a TNG route that calculates: the document (with messages) and the strict refusal. */
export const ApiCalculatedDocument = (...statuses: number[]) =>
  applyDecorators(
    ApiExtraModels(CoverageMessageDto),
    ...statuses.map((status) => ApiResponse({ status, type: TngDocumentResponseDto, description: 'The calculated document; `messages` lists coverage gaps' })),
    ApiResponse({ status: 422, type: ErrorResponseDto, description: REFUSED }),
  );

/** Responses of a TNG route that shows stored versions. */
export const ApiStoredDocument = (isArray = false) => ApiResponse({ status: 200, type: TngDocumentResponseDto, isArray, description: 'As recorded, `messages` included' });

/** Responses of a v2 route that calculates: the TransactionModel (with messages) and the strict refusal (400 in v2). */
export const ApiV2Calculated = (status: number) =>
  applyDecorators(
    ApiResponse({ status, type: V2TransactionResponseDto, description: 'TransactionModel; `messages` when content did not cover everything' }),
    ApiResponse({ status: 400, type: ErrorResponseDto, description: `${REFUSED} (v2 answers it with 400, as AvaTax answers refusals)` }),
  );
