import { ApiProperty, OmitType } from '@nestjs/swagger';
import { DOCUMENT_CODE_MAX } from '../../common/document-code';
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
