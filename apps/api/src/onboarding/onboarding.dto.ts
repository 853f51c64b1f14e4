import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsEmail,
  IsIn,
  IsISO4217CurrencyCode,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { type Address, FILING_FREQUENCIES, type FilingFrequency } from '@tax-ledger/companies';

const ISO_DATE = { strict: true } as const;
export const NEXUS_TYPES = ['SalesOrSellersUseTax', 'SalesTax', 'SellersUseTax', 'ConsumersUseTax', 'VendorsUseTax', 'None'] as const;
export const LOCAL_NEXUS_TYPES = ['Selected', 'StateAdministered', 'All'] as const;
export const JURIS_TYPES = ['CNT', 'STA', 'CTY', 'CIT', 'STJ'] as const;

export class AddressDto {
  @ApiProperty({ example: '255 S King St', description: 'Required unless `line` is given' })
  @ValidateIf((o: AddressDto) => o.line === undefined) @IsString() @IsNotEmpty() @MaxLength(100) line1: string;
  /** AvaTax's account-request CompanyAddress calls the street `line`: taken as line1. */
  @ApiPropertyOptional({ description: 'AvaTax CompanyAddress spelling of line1' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100) line?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) line2?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) line3?: string;
  @ApiPropertyOptional({ example: 'Seattle' }) @IsOptional() @IsString() @MaxLength(50) city?: string;
  @ApiProperty({ example: 'WA', description: 'State / province code' }) @IsString() @IsNotEmpty() @MaxLength(3) region: string;
  @ApiPropertyOptional({ example: '98104' }) @IsOptional() @IsString() @MaxLength(11) postalCode?: string;
  @ApiProperty({ example: 'US' }) @IsString() @IsNotEmpty() @MaxLength(3) country: string;
}

/** The address as stored: `line` folded into line1, absent fields left out. */
export function addressOf(dto: AddressDto): Address {
  const { line, line1, ...rest } = dto;
  const address: Address = { line1: line1 ?? line!, region: rest.region, country: rest.country };
  for (const key of ['line2', 'line3', 'city', 'postalCode'] as const) if (rest[key] !== undefined && rest[key] !== null) address[key] = rest[key];
  return address;
}

export class CompanyCodeDto {
  @ApiProperty({ example: 'A1 Boats' }) @IsString() @IsNotEmpty() @MaxLength(50) companyCode: string;
}

export class CreateCompanyDto extends CompanyCodeDto {
  @ApiPropertyOptional({ description: 'Defaults to companyCode' }) @IsOptional() @IsString() @MaxLength(100) companyName?: string;
  @ApiPropertyOptional({ example: 'USD' }) @IsOptional() @IsISO4217CurrencyCode() defaultCurrency?: string;
  @ApiPropertyOptional({ type: AddressDto, description: 'Address of the company\'s first location; nexus is declared for every jurisdiction it triggers' })
  @IsOptional() @ValidateNested() @Type(() => AddressDto) companyAddress?: AddressDto;
  @ApiPropertyOptional({ description: 'Code of the first location (default "DEFAULT")' }) @IsOptional() @IsString() @MaxLength(50) locationCode?: string;
  @ApiPropertyOptional({ description: 'ISO date the address nexus starts; all dates when absent' }) @IsOptional() @IsISO8601(ISO_DATE) effectiveDate?: string;
}

export class ProvisionAccountDto extends CreateCompanyDto {
  @ApiProperty({ example: 'A1 Boats Inc.' }) @IsString() @IsNotEmpty() @MaxLength(100) accountName: string;
  @ApiPropertyOptional({ description: 'Account admin login; defaults to email, else "admin-<accountId>"' })
  @IsOptional() @IsString() @Matches(/^[^\s:]{3,100}$/, { message: 'username must be 3-100 characters without spaces or ":"' }) username?: string;
  @ApiPropertyOptional({ description: 'Account admin password (min 12 characters); generated and returned once when absent' })
  @IsOptional() @IsString() @Matches(/^.{12,200}$/s, { message: 'userPassword must be 12 to 200 characters' }) userPassword?: string;
  @ApiPropertyOptional() @IsOptional() @IsEmail() @MaxLength(100) email?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(50) firstName?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(50) lastName?: string;
}

export class AddLocationDto extends CompanyCodeDto {
  @ApiProperty({ example: 'WAREHOUSE-2' }) @IsString() @IsNotEmpty() @MaxLength(50) locationCode: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) description?: string;
  @ApiProperty({ type: AddressDto }) @IsDefined({ message: 'address is required' }) @IsObject() @ValidateNested() @Type(() => AddressDto) address: AddressDto;
}

export class NexusChoiceDto {
  @ApiPropertyOptional({ description: 'ISO date; null or absent: all dates' }) @IsOptional() @IsISO8601(ISO_DATE) effectiveDate?: string | null;
  @ApiPropertyOptional({ description: 'ISO date; null or absent: open-ended' }) @IsOptional() @IsISO8601(ISO_DATE) endDate?: string | null;
  @ApiPropertyOptional({ enum: NEXUS_TYPES }) @IsOptional() @IsIn(NEXUS_TYPES) nexusTypeId?: (typeof NEXUS_TYPES)[number];
  @ApiPropertyOptional() @IsOptional() @IsBoolean() hasLocalNexus?: boolean;
  @ApiPropertyOptional({ enum: LOCAL_NEXUS_TYPES }) @IsOptional() @IsIn(LOCAL_NEXUS_TYPES) localNexusTypeId?: (typeof LOCAL_NEXUS_TYPES)[number] | null;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() hasPermanentEstablishment?: boolean;
}

export class DeclareNexusByAddressDto extends NexusChoiceDto {
  @ApiProperty({ example: 'A1 Boats' }) @IsString() @IsNotEmpty() @MaxLength(50) companyCode: string;
  @ApiProperty({ type: [AddressDto] }) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => AddressDto) addresses: AddressDto[];
}

/** A REST v2 nexus object; only the NexusChoice fields are the caller's, the rest must match content. */
export class NexusModelDto extends NexusChoiceDto {
  @ApiProperty({ example: 'US' }) @IsString() @IsNotEmpty() @MaxLength(3) country: string;
  @ApiProperty({ example: 'WA' }) @IsString() @IsNotEmpty() @MaxLength(3) region: string;
  @ApiProperty({ enum: JURIS_TYPES }) @IsIn(JURIS_TYPES) jurisTypeId: (typeof JURIS_TYPES)[number];
  @ApiProperty({ example: '53' }) @IsString() @IsNotEmpty() @MaxLength(20) jurisCode: string;
  @ApiPropertyOptional({ example: 'WASHINGTON' }) @IsOptional() @IsString() @MaxLength(100) jurisName?: string;
  @ApiPropertyOptional({ example: 'WA' }) @IsOptional() @IsString() @MaxLength(20) shortName?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(50) signatureCode?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(50) stateAssignedNo?: string;
}

export class MapItemDto extends CompanyCodeDto {
  @ApiProperty({ example: 'SKU-1' }) @IsString() @IsNotEmpty() @MaxLength(50) itemCode: string;
  @ApiProperty({ example: 'P0000000' }) @IsString() @IsNotEmpty() @MaxLength(25) taxCode: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) description?: string;
  @ApiPropertyOptional({ description: 'Also make this the fallback item, used for unmapped items' }) @IsOptional() @IsBoolean() fallback?: boolean;
}

export class RegionDto {
  @ApiProperty({ example: 'US' }) @IsString() @IsNotEmpty() @MaxLength(3) country: string;
  @ApiProperty({ example: 'WA' }) @IsString() @IsNotEmpty() @MaxLength(3) region: string;
}

export class AddCertificateDto extends CompanyCodeDto {
  @ApiPropertyOptional({ description: 'Generated when absent' }) @IsOptional() @IsString() @Matches(/^[A-Za-z0-9._-]{1,50}$/) certificateId?: string;
  @ApiProperty({ example: 'ArgosyCruises' }) @IsString() @IsNotEmpty() @MaxLength(50) customerCode: string;
  @ApiProperty({ type: [RegionDto] }) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => RegionDto) regions: RegionDto[];
  @ApiPropertyOptional({ example: 'G', description: 'Entity use code A..R' }) @IsOptional() @IsString() @Matches(/^[A-Z]$/) entityUseCode?: string;
  @ApiPropertyOptional({ example: 'Resale' }) @IsOptional() @IsString() @MaxLength(100) exemptionReason?: string;
  @ApiProperty({ example: '2024-01-01' }) @IsISO8601(ISO_DATE) effectiveDate: string;
  @ApiPropertyOptional({ example: '2027-12-31' }) @IsOptional() @IsISO8601(ISO_DATE) expirationDate?: string;
}

export class FilingFrequencyDto extends CompanyCodeDto {
  @ApiProperty({ example: 'US' }) @IsString() @IsNotEmpty() @MaxLength(3) country: string;
  @ApiProperty({ example: 'WA' }) @IsString() @IsNotEmpty() @MaxLength(3) region: string;
  @ApiProperty({ enum: FILING_FREQUENCIES }) @IsIn(FILING_FREQUENCIES) filingFrequency: FilingFrequency;
  @ApiProperty({ example: '2024-01-01' }) @IsISO8601(ISO_DATE) effectiveDate: string;
}

/** PUT /companies/{companyCode}/settings: the settings to change (recorded as CompanySettingsChanged). */
export class CompanySettingsDto {
  @ApiPropertyOptional({
    example: true,
    description:
      'Strict coverage: refuse (422 ContentNotCovered, nothing written) any calculation whose coverage messages include one of severity Error. ' +
      'Default false (lenient: recorded with its messages). A request\'s strict=false cannot loosen it.',
  })
  @IsOptional() @IsBoolean()
  strictCoverage?: boolean;

  @ApiPropertyOptional({
    example: false,
    description:
      'While the company has declared no nexus, collect tax wherever content has a rate. Default false: no nexus, no tax (as AvaTax; ' +
      'every line exempt "No nexus"). Once any nexus is declared, the declarations decide either way.',
  })
  @IsOptional() @IsBoolean()
  collectWithoutNexus?: boolean;
}

export class CompanyQueryDto {
  @ApiProperty({ example: 'A1 Boats' }) @IsString() @IsNotEmpty() @MaxLength(50) companyCode: string;
}

/** Query of the nexus-by-address APIs (REST v2 names). */
export class AddressQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) line1?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) line2?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) line3?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(50) city?: string;
  @ApiProperty({ example: 'CA' }) @IsString() @IsNotEmpty() @MaxLength(3) region: string;
  @ApiPropertyOptional({ example: '92615' }) @IsOptional() @IsString() @MaxLength(11) postalCode?: string;
  @ApiProperty({ example: 'US' }) @IsString() @IsNotEmpty() @MaxLength(3) country: string;
}
