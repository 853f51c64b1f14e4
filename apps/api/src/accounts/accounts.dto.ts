import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
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

export class ChangeUserPasswordDto {
  @ApiPropertyOptional({ description: 'The new password, 12..200 characters; absent: one is generated and returned once' })
  @IsOptional() @IsString() @Matches(/^.{12,200}$/s, { message: 'password must be 12 to 200 characters' })
  password?: string;
}

export class RevokeLicenseKeyDto {
  @ApiPropertyOptional({ example: 'connector decommissioned' })
  @IsOptional() @IsString() @MaxLength(200)
  reason?: string;
}
