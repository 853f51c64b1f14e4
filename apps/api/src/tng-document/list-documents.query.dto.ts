import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { badRequest } from '../common/api-error';
import { IsCalendarDate } from './tax-document.dto';

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;

export class ListTransactionsQueryDto {
  @ApiPropertyOptional({ example: 100, description: `1..${MAX_LIST_LIMIT}, default ${DEFAULT_LIST_LIMIT}` })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_LIST_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'First documentCode to return (inclusive)' })
  @IsOptional() @IsString() @MaxLength(50)
  startCode?: string;

  @ApiPropertyOptional({ example: '2014-06-10', description: 'First transactionDate to include' })
  @IsOptional() @IsCalendarDate()
  startDate?: string;

  @ApiPropertyOptional({ example: '2014-06-12', description: 'Last transactionDate to include' })
  @IsOptional() @IsCalendarDate()
  endDate?: string;

  @ApiPropertyOptional({ example: 'Recorded,Reconciled', description: 'Comma-separated states; all states when absent' })
  @IsOptional() @IsString() @MaxLength(200)
  include?: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'true: only documents whose current version carries coverage messages (any severity); false: only those without; all when absent',
  })
  @IsOptional() @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value)) @IsIn(['true', 'false'], { message: 'warnings must be true or false' })
  warnings?: 'true' | 'false';
}

/** startDate after endDate is a 400 (shared by the transaction and calculation lists). */
export function assertDateRange(query: { startDate?: string; endDate?: string }) {
  if (query.startDate && query.endDate && query.startDate > query.endDate) {
    throw badRequest('InvalidDateRange', 'startDate must not be after endDate.', 'startDate');
  }
}
