import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsDocumentCode } from '../../common/document-code';

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
