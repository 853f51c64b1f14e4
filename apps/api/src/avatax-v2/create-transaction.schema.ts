import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { ENTITY_USE_TYPES } from '@tax-ledger/tax-engine';
import { KnownProperties } from '../common/request-schema';
import { ADJUSTMENT_REASONS, DOCUMENT_TYPES, TAX_OVERRIDE_TYPES } from './avatax-codes';

/**
 * The v2 request models as far as this ledger reads them (create-transaction.model.ts maps them): the
 * OpenAPI document shows these properties, and the compiled validator lists every other property a
 * request sends, which the answer names in a Warning message (docs/decisions.md, "Unknown request
 * properties"). Values are judged by the mapping code with AvaTax's error codes, not here.
 */

/** AddressLocationInfo. */
export class V2AddressDto {
  @ApiPropertyOptional() locationCode?: string;
  @ApiPropertyOptional({ example: '2000 Main Street' }) line1?: string;
  @ApiPropertyOptional() line2?: string;
  @ApiPropertyOptional() line3?: string;
  @ApiPropertyOptional({ example: 'Irvine' }) city?: string;
  @ApiPropertyOptional({ example: 'CA' }) region?: string;
  @ApiPropertyOptional({ example: 'US' }) country?: string;
  @ApiPropertyOptional({ example: '92614' }) postalCode?: string;
  @ApiPropertyOptional() latitude?: number;
  @ApiPropertyOptional() longitude?: number;
}

const ADDRESSES = {
  type: 'object',
  additionalProperties: { $ref: getSchemaPath(V2AddressDto) },
  description: 'By purpose: singleLocation, or shipFrom and shipTo (also pointOfOrderOrigin, pointOfOrderAcceptance, goodsPlaceOrOutLocation; any case)',
} as const;

export class V2TaxOverrideDto {
  @ApiPropertyOptional({ enum: TAX_OVERRIDE_TYPES }) type?: string;
  @ApiPropertyOptional() taxAmount?: number;
  @ApiPropertyOptional({ example: '2024-01-10' }) taxDate?: string;
  @ApiPropertyOptional() reason?: string;
}

/** LineItemModel. */
export class V2LineDto {
  @ApiPropertyOptional({ example: '1' }) number?: string;
  @ApiPropertyOptional({ example: 1 }) quantity?: number;
  @ApiProperty({ example: 100, description: 'Negative for returns (the sign is restored on the answer)' }) amount: number;
  @ApiPropertyOptional(ADDRESSES) addresses?: Record<string, V2AddressDto>;
  @ApiPropertyOptional({ example: 'P0000000' }) taxCode?: string;
  @ApiPropertyOptional({ enum: ENTITY_USE_TYPES }) customerUsageType?: string;
  @ApiPropertyOptional({ enum: ENTITY_USE_TYPES }) entityUseCode?: string;
  @ApiPropertyOptional() itemCode?: string;
  @ApiPropertyOptional() exemptionCode?: string;
  @ApiPropertyOptional() taxIncluded?: boolean;
  @ApiPropertyOptional({ description: 'true: the line takes a share of the document discount' }) discounted?: boolean;
  @ApiPropertyOptional() description?: string;
  @ApiPropertyOptional() businessIdentificationNo?: string;
  @ApiPropertyOptional({ type: V2TaxOverrideDto }) taxOverride?: V2TaxOverrideDto;
}

/** CreateTransactionModel. */
@KnownProperties()
export class CreateTransactionModelDto {
  @ApiPropertyOptional({ example: 'INV-1001', description: 'Generated when absent' }) code?: string;
  @ApiProperty({ type: [V2LineDto] }) lines: V2LineDto[];
  @ApiPropertyOptional({ enum: DOCUMENT_TYPES, description: 'Default SalesOrder' }) type?: string;
  @ApiPropertyOptional({ description: "The account's company when it has exactly one" }) companyCode?: string;
  @ApiProperty({ example: '2024-01-10' }) date: string;
  @ApiProperty({ example: 'ABC' }) customerCode: string;
  @ApiPropertyOptional({ enum: ENTITY_USE_TYPES }) customerUsageType?: string;
  @ApiPropertyOptional({ enum: ENTITY_USE_TYPES }) entityUseCode?: string;
  @ApiPropertyOptional() purchaseOrderNo?: string;
  @ApiPropertyOptional() exemptionNo?: string;
  @ApiPropertyOptional(ADDRESSES) addresses?: Record<string, V2AddressDto>;
  @ApiPropertyOptional({ description: 'true: Committed; else Saved' }) commit?: boolean;
  @ApiPropertyOptional({ description: 'Spread over the lines marked discounted, in proportion to their amounts' }) discount?: number;
  @ApiPropertyOptional({ type: V2TaxOverrideDto }) taxOverride?: V2TaxOverrideDto;
  @ApiPropertyOptional({ example: 'USD' }) currencyCode?: string;
  @ApiPropertyOptional() businessIdentificationNo?: string;
}

/** CreateOrAdjustTransactionModel. */
@KnownProperties()
export class CreateOrAdjustTransactionModelDto {
  @ApiProperty({ type: CreateTransactionModelDto }) createTransactionModel: CreateTransactionModelDto;
  @ApiPropertyOptional({ enum: ADJUSTMENT_REASONS }) adjustmentReason?: string;
  @ApiPropertyOptional() adjustmentDescription?: string;
}

/** AdjustTransactionModel. */
@KnownProperties()
export class AdjustTransactionModelDto {
  @ApiProperty({ enum: ADJUSTMENT_REASONS }) adjustmentReason: string;
  @ApiPropertyOptional({ description: 'Required when adjustmentReason is Other' }) adjustmentDescription?: string;
  @ApiProperty({ type: CreateTransactionModelDto }) newTransaction: CreateTransactionModelDto;
}
