import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { CREDENTIAL_ROLES, type CredentialRole } from '@tax-ledger/ledger';

export { ProvisionAccountDto } from '../onboarding/onboarding.dto';

export class IssueLicenseKeyDto {
  @ApiProperty({ enum: CREDENTIAL_ROLES, example: 'api_user' })
  @IsIn(CREDENTIAL_ROLES)
  role: CredentialRole;

  @ApiPropertyOptional({ example: 'billing connector' })
  @IsOptional() @IsString() @MaxLength(100)
  label?: string;
}

export class RevokeLicenseKeyDto {
  @ApiPropertyOptional({ example: 'connector decommissioned' })
  @IsOptional() @IsString() @MaxLength(200)
  reason?: string;
}
