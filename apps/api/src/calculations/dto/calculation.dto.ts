import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { ListTransactionsQueryDto } from '../../tng-document/list-documents.query.dto';
import { DOCUMENT_CODE_MAX, IsDocumentCode } from '../../common/document-code';
import { OptionalProperty, SchemaValidated } from '../../common/request-schema';
import { TaxDocumentDto, TaxDocumentHeaderDto, taxDocumentProblems } from '../../tng-document/tax-document.dto';

/** The TaxDocument header, except that documentCode is optional for calculations (generated when absent). */
export class CalculationHeaderDto extends OmitType(TaxDocumentHeaderDto, ['documentCode'] as const) {
  @OptionalProperty({ type: String, minLength: 1, maxLength: DOCUMENT_CODE_MAX, example: 'Quote-12345', description: 'Generated (32 hex characters) when absent' })
  documentCode?: string;
}

/** POST /calculations: a TaxDocument whose documentCode may be left out (compiled schema, as TaxDocumentDto). */
@SchemaValidated((doc: TaxDocumentDto) => taxDocumentProblems(doc, { documentCodeRequired: false }))
export class CalculationDocumentDto extends OmitType(TaxDocumentDto, ['header'] as const) {
  @ApiProperty({ type: CalculationHeaderDto })
  header: CalculationHeaderDto;
}

/** POST /calculations/{companyCode}/{transactionType}/{documentCode}/transactions (seed table). */
export class TransactionFromCalculationDto {
  @ApiProperty({ example: 'Invoice123', description: 'documentCode of the new tax transaction record' })
  @IsString() @IsNotEmpty() @IsDocumentCode()
  documentCode: string;

  @ApiPropertyOptional({ example: true, description: 'Recalculate with current content and company setup (default), or record the stored calculation as it is' })
  @IsOptional() @IsBoolean()
  recalculate?: boolean;

  @ApiPropertyOptional({ example: 'Government Contract ABC', description: 'Recorded with the event for audit' })
  @IsOptional() @IsString() @MaxLength(1024)
  comment?: string;
}

/** The transaction list's filters without `include` (calculations have no state) and `warnings` (transactions only). */
export class ListCalculationsQueryDto extends OmitType(ListTransactionsQueryDto, ['include', 'warnings'] as const) {}
