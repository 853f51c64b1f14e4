import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { TRANSACTION_STATES } from '@tax-ledger/ledger';
import { ApiErrors } from '../common/api-answers';

/**
 * OpenAPI schemas of TNG documents and coverage messages, and the routes' answers that carry them: the
 * calculated or stored document, and the ContentNotCovered refusal (its body: the error shape, common/api-answers.ts).
 */

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

export class ProcessingInfoDto {
  @ApiProperty({ enum: TRANSACTION_STATES, description: 'The document\'s state (a calculation: Recorded); a superseded version: Recorded' }) transactionState: string;
  @ApiProperty({ description: 'Identifies this version (the ETag)' }) versionId: string;
  @ApiProperty({ type: 'integer', description: 'The version number, 1, 2, … (…/versions/{n})' }) version: number;
  @ApiProperty({ type: 'integer', example: 3, description: 'The TaxDocument format (tng-tax-api-blueprint.apib)' }) formatId: number;
  @ApiProperty({ description: 'Seconds the calculation took' }) duration: number;
  @ApiProperty({ format: 'date-time' }) modifiedDate: string;
  @ApiPropertyOptional() batchId?: string;
}

const NUMBER = { type: 'number' } as const;
const STRING = { type: 'string' } as const;

/** A TNG document answer (seed TaxDocument format plus calculated parts). */
export class TngDocumentResponseDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    required: ['companyCode', 'transactionType', 'documentCode', 'transactionDate'],
    properties: { companyCode: STRING, transactionType: STRING, documentCode: STRING, customerCode: STRING, transactionDate: { type: 'string', format: 'date' }, currency: STRING },
    description: 'The request\'s header as recorded (defaultLocations with the resolved latlong and taxLocationPurpose; currency)',
  })
  header: Record<string, unknown>;
  @ApiProperty({
    type: 'array',
    items: {
      type: 'object',
      required: ['lineCode', 'extendedAmount', 'calculatedTax'],
      properties: {
        lineCode: STRING,
        itemCode: STRING,
        quantity: NUMBER,
        extendedAmount: NUMBER,
        calculatedTax: {
          type: 'object',
          required: ['appliedTax', 'subtotalTaxable', 'subtotalExempt', 'taxAuthorities'],
          properties: {
            appliedTax: NUMBER,
            subtotalTaxable: NUMBER,
            subtotalExempt: NUMBER,
            taxAuthorities: {
              type: 'array',
              items: {
                type: 'object',
                required: ['jurisdictionName', 'jurisdictionType', 'details'],
                properties: { jurisdictionName: STRING, jurisdictionType: STRING, jurisdictionCode: STRING, details: { type: 'array', items: { type: 'object', required: ['taxType', 'rate', 'tax'], properties: { taxType: STRING, rate: NUMBER, tax: NUMBER, subtotalTaxable: NUMBER, subtotalExempt: NUMBER, exempt: { type: 'boolean' } } } } },
              },
            },
          },
        },
      },
    },
    description: 'The request\'s lines, each with its calculatedTax',
  })
  lines: unknown[];
  @ApiProperty({
    type: 'object',
    required: ['numberOfLines', 'subtotal', 'tax', 'grandTotal'],
    properties: { numberOfTaxableLines: { type: 'integer' }, numberOfExemptLines: { type: 'integer' }, numberOfLines: { type: 'integer' }, subtotal: NUMBER, subtotalTaxable: NUMBER, subtotalExempt: NUMBER, tax: NUMBER, grandTotal: NUMBER },
  })
  calculatedTaxSummary: Record<string, unknown>;
  @ApiPropertyOptional({
    type: [CoverageMessageDto],
    description:
      'Coverage messages: what content could not cover for this version, exactly as recorded with it (from its event, never recomputed). Absent when everything was covered (and on versions recorded before messages existed).',
  })
  messages?: CoverageMessageDto[];
  @ApiProperty({ type: () => ProcessingInfoDto }) processingInfo: ProcessingInfoDto;
}

const REFUSED =
  'ContentNotCovered: strict coverage applies (?strict=true or the company\'s strictCoverage setting) and the calculation has coverage messages of severity Error; ' +
  'one detail per Error message. Nothing was written (no event, no Idempotency-Key consumed).';

/** Responses of a TNG route that calculates: the document (with messages) and the strict refusal. */
export const ApiCalculatedDocument = (...statuses: number[]) =>
  applyDecorators(
    ApiExtraModels(CoverageMessageDto),
    ...statuses.map((status) => ApiResponse({ status, type: TngDocumentResponseDto, description: 'The calculated document; `messages` lists coverage gaps' })),
    ApiResponse({ status: 422, description: REFUSED }),
    ApiErrors(404, 405, 409, 412),
  );

/** Responses of a TNG route that shows stored versions (a list: a page of them). */
export const ApiStoredDocument = (isArray = false, ...errors: number[]) =>
  applyDecorators(ApiResponse({ status: 200, type: TngDocumentResponseDto, isArray, description: 'As recorded, `messages` included' }), ApiErrors(...errors));
