import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { STATE_TRANSITIONS } from '@tax-ledger/ledger';

export class StateTransitionDto {
  @ApiProperty({ enum: STATE_TRANSITIONS, example: 'Voided', description: 'Case-insensitive' })
  @IsString() @IsNotEmpty()
  type: string;

  @ApiPropertyOptional({ example: 'SR123: corrected fat finger' })
  @IsOptional() @IsString() @MaxLength(1024)
  comment?: string;
}
