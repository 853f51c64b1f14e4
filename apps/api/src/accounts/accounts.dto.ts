import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO4217CurrencyCode, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { CREDENTIAL_ROLES, type CredentialRole } from '@tax-ledger/ledger';

export class ProvisionAccountDto {
  @ApiProperty({ example: 'A1 Boats Inc.' })
  @IsString() @IsNotEmpty() @MaxLength(100)
  accountName: string;

  @ApiProperty({ example: 'A1 Boats', description: 'Code of the default company created with the account' })
  @IsString() @IsNotEmpty() @MaxLength(50)
  companyCode: string;

  @ApiPropertyOptional({ example: 'A1 Boats', description: 'Defaults to companyCode' })
  @IsOptional() @IsString() @MaxLength(100)
  companyName?: string;

  @ApiPropertyOptional({ example: 'USD' })
  @IsOptional() @IsISO4217CurrencyCode()
  defaultCurrency?: string;
}

export class IssueLicenseKeyDto {
  @ApiProperty({ enum: CREDENTIAL_ROLES, example: 'api_user' })
  @IsIn(CREDENTIAL_ROLES)
  role: CredentialRole;

  @ApiPropertyOptional({ example: 'billing connector' })
  @IsOptional() @IsString() @MaxLength(100)
  label?: string;
}
