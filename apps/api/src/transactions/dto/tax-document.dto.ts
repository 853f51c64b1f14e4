import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import Decimal from 'decimal.js';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsISO4217CurrencyCode,
  IsLatitude,
  IsLongitude,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
  registerDecorator,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';
import { ENTITY_USE_TYPES, MAX_AMOUNT as ENGINE_MAX_AMOUNT, TRANSACTION_TYPES, type EntityUseType, type TransactionType } from '@tax-ledger/tax-engine';
import { IsDocumentCode } from '../../common/document-code';

/** ISO 8601 calendar date (YYYY-MM-DD) that exists on the calendar. */
export const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
export function isCalendarDate(value: unknown): boolean {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

export function IsCalendarDate(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be an ISO 8601 date (YYYY-MM-DD)`, ...options },
      validator: { validate: isCalendarDate },
    });
}

/** A flat {string: string} dictionary of at most 100 entries. */
function IsStringMap(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isStringMap',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be an object of at most 100 string values of at most 1024 characters`, ...options },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.keys(value).length <= 100 &&
          Object.entries(value).every(([k, v]) => k.length <= 128 && typeof v === 'string' && v.length <= 1024),
      },
    });
}

/** No two lines share a lineCode. */
function UniqueLineCodes(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'uniqueLineCodes',
      target: object.constructor,
      propertyName,
      options: { message: 'lineCode must be unique within the document', ...options },
      validator: {
        validate: (lines: unknown) => {
          if (!Array.isArray(lines)) return true;
          const codes = lines.map((l) => (l as { lineCode?: unknown })?.lineCode);
          return new Set(codes).size === codes.length;
        },
      },
    });
}

/** Header defaultLocations are required unless every line carries its own locations. */
function LocationsOnHeaderOrLines(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'locationsOnHeaderOrLines',
      target: object.constructor,
      propertyName,
      options: { message: 'header.defaultLocations is required unless every line has locations', ...options },
      validator: {
        validate: (_: unknown, args: ValidationArguments) => {
          const doc = args.object as TaxDocumentDto;
          if (hasLocation(doc.header?.defaultLocations)) return true;
          return Array.isArray(doc.lines) && doc.lines.every((l) => hasLocation(l?.locations));
        },
      },
    });
}

/** Keeps a free-form dictionary as sent: class-transformer would drop keys such as "constructor". */
const rawValue = ({ obj, key }: { obj: Record<string, unknown>; key: string }) => obj[key];

const hasLocation = (locations?: LocationsDto) =>
  !!locations && typeof locations === 'object' && Object.values(locations).some((v) => v !== undefined && v !== null);

const MAX_AMOUNT = ENGINE_MAX_AMOUNT; // one bound for both APIs and the engine
const MAX_DECIMALS = 6;

/**
 * A JSON number from 0 to 10^12 with at most 6 decimals, judged on its decimal text (1e-7 has 7).
 * class-validator's own maxDecimalPlaces check throws on exponent notation, hence this one.
 */
function IsAmount(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isAmount',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be a number from 0 to ${MAX_AMOUNT} with at most ${MAX_DECIMALS} decimals`, ...options },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'number' &&
          Number.isFinite(value) &&
          value >= 0 &&
          value <= MAX_AMOUNT &&
          new Decimal(String(value)).decimalPlaces() <= MAX_DECIMALS,
      },
    });
}
const CODE = 50;

export class AddressDto {
  @IsOptional() @IsString() @MaxLength(100) line1?: string;
  @IsOptional() @IsString() @MaxLength(100) line2?: string;
  @IsOptional() @IsString() @MaxLength(100) line3?: string;
  @IsOptional() @IsString() @MaxLength(50) city?: string;
  @IsOptional() @IsString() @MaxLength(50) municipality?: string;
  @IsOptional() @IsString() @MaxLength(50) town?: string;
  @IsOptional() @IsString() @MaxLength(50) state?: string;
  @IsOptional() @IsString() @MaxLength(50) province?: string;
  @ApiPropertyOptional({ example: 'USA', description: 'ISO 3166-1 alpha-3 (alpha-2 accepted)' })
  @IsOptional() @IsString() @Matches(/^[A-Za-z]{2,3}$/, { message: 'country must be an ISO 3166-1 alpha-3 (or alpha-2) code' })
  country?: string;
  @IsOptional() @IsString() @MaxLength(11) zipcode?: string;
  @IsOptional() @IsString() @MaxLength(11) postalCode?: string;
  @IsOptional() @IsString() @MaxLength(11) postcode?: string;
}

export class LatLongDto {
  @IsLatitude() latitude: number;
  @IsLongitude() longitude: number;
}

export class LocationContentDto {
  @IsOptional() @ValidateNested() @Type(() => AddressDto) address?: AddressDto;
  @IsOptional() @ValidateNested() @Type(() => LatLongDto) latlong?: LatLongDto;
  @IsOptional() @IsString() @MaxLength(CODE) locationCode?: string;
  @IsOptional() @IsString() @MaxLength(45) IpAddress?: string;
  @IsOptional() @IsString() @MaxLength(CODE) addressTaxPayerCode?: string;
  @IsOptional() @IsIn(ENTITY_USE_TYPES) addressEntityUseType?: EntityUseType;
}

/** Keys are the seed's location purposes; any other key is dropped. */
export class LocationsDto {
  @IsOptional() @ValidateNested() @Type(() => LocationContentDto) shipFrom?: LocationContentDto;
  @IsOptional() @ValidateNested() @Type(() => LocationContentDto) callPlaced?: LocationContentDto;
  @IsOptional() @ValidateNested() @Type(() => LocationContentDto) pom?: LocationContentDto;
  @IsOptional() @ValidateNested() @Type(() => LocationContentDto) poa?: LocationContentDto;
  @IsOptional() @ValidateNested() @Type(() => LocationContentDto) dropship?: LocationContentDto;
  @IsOptional() @ValidateNested() @Type(() => LocationContentDto) pos?: LocationContentDto;
  @IsOptional() @ValidateNested() @Type(() => LocationContentDto) shipTo?: LocationContentDto;
  @IsOptional() @ValidateNested() @Type(() => LocationContentDto) poo?: LocationContentDto;
  @IsOptional() @ValidateNested() @Type(() => LocationContentDto) billingLocation?: LocationContentDto;
  @IsOptional() @ValidateNested() @Type(() => LocationContentDto) callReceived?: LocationContentDto;
  @IsOptional() @ValidateNested() @Type(() => LocationContentDto) serviceRendered?: LocationContentDto;
  @IsOptional() @ValidateNested() @Type(() => LocationContentDto) firstUse?: LocationContentDto;
}

export class TaxDocumentHeaderDto {
  @ApiProperty({ example: 'A1 Boats' })
  @IsString() @IsNotEmpty() @MaxLength(CODE)
  companyCode: string;

  @ApiProperty({ enum: TRANSACTION_TYPES, example: 'Sale' })
  @IsIn(TRANSACTION_TYPES, { message: `transactionType must be one of ${TRANSACTION_TYPES.join(', ')}` })
  transactionType: TransactionType;

  @ApiProperty({ example: '#12345', description: 'REQUIRED for transactions; at most 50 characters, a visible one, no control characters' })
  @IsString() @IsNotEmpty() @IsDocumentCode()
  documentCode: string;

  @ApiPropertyOptional({ example: 'ArgosyCruises', description: 'REQUIRED for sales' })
  @ValidateIf((h: TaxDocumentHeaderDto) => h.transactionType === 'Sale' || h.customerCode !== undefined)
  @IsString() @IsNotEmpty({ message: 'customerCode is required for sales' }) @MaxLength(CODE)
  customerCode?: string;

  @ApiPropertyOptional({ description: 'REQUIRED for purchases' })
  @ValidateIf((h: TaxDocumentHeaderDto) => h.transactionType === 'Purchase' || h.vendorCode !== undefined)
  @IsString() @IsNotEmpty({ message: 'vendorCode is required for purchases' }) @MaxLength(CODE)
  vendorCode?: string;

  @ApiProperty({ example: '2014-06-11' })
  @IsDefined({ message: 'transactionDate is required' }) @IsCalendarDate()
  transactionDate: string;

  @ApiPropertyOptional({ example: 'USD' })
  @IsOptional() @IsISO4217CurrencyCode()
  currency?: string;

  @IsOptional() @IsAmount()
  totalTaxOverrideAmount?: number;

  @IsOptional() @IsCalendarDate()
  taxCalculationDate?: string;

  @IsOptional() @IsString() @MaxLength(CODE)
  defaultAvalaraGoodsAndServicesModifierType?: string;

  @ApiPropertyOptional({ type: LocationsDto })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => LocationsDto)
  defaultLocations?: LocationsDto;

  @IsOptional() @IsString() @MaxLength(CODE)
  defaultTaxPayerCode?: string;

  @IsOptional() @IsIn(ENTITY_USE_TYPES, { message: `defaultEntityUseType must be one of ${ENTITY_USE_TYPES.join(', ')}` })
  defaultEntityUseType?: EntityUseType;

  @IsOptional() @IsString() @MaxLength(CODE)
  purchaseOrderNumber?: string;

  @IsOptional() @IsStringMap() @Transform(rawValue)
  metadata?: Record<string, string>;
}

export class TaxDocumentLineDto {
  @ApiProperty({ example: '1' })
  @IsString() @IsNotEmpty() @MaxLength(CODE)
  lineCode: string;

  @ApiProperty({ example: '22456366' })
  @IsString() @IsNotEmpty() @MaxLength(CODE)
  itemCode: string;

  @IsOptional() @IsString() @MaxLength(CODE)
  avalaraGoodsAndServicesType?: string;

  @IsOptional() @IsString() @MaxLength(CODE)
  avalaraGoodsAndServicesModifierType?: string;

  @ApiPropertyOptional({ example: 1 })
  @IsOptional() @IsAmount()
  quantity?: number;

  @ApiProperty({ example: 32.5, description: 'Positive, also for returns' })
  @IsDefined({ message: 'extendedAmount is required' }) @IsAmount()
  extendedAmount: number;

  @ApiProperty({ example: "Men's adidas FREEFOOTBALL JANEIRINHA Soccer Shoes" })
  @IsString() @IsNotEmpty() @MaxLength(2048)
  itemDescription: string;

  @IsOptional() @IsString() @MaxLength(CODE)
  unitOfMeasure?: string;

  @IsOptional() @IsObject() @ValidateNested() @Type(() => LocationsDto)
  locations?: LocationsDto;

  @IsOptional() @IsString() @MaxLength(CODE)
  taxPayerCode?: string;

  @IsOptional() @IsIn(ENTITY_USE_TYPES, { message: `entityUseType must be one of ${ENTITY_USE_TYPES.join(', ')}` })
  entityUseType?: EntityUseType;

  @IsOptional() @IsAmount()
  taxOverrideAmount?: number;

  @IsOptional() @IsBoolean()
  taxIncluded?: boolean;

  @IsOptional() @IsStringMap() @Transform(rawValue)
  metadata?: Record<string, string>;
}

/** The TNG TaxDocument as a request body; calculatedTaxSummary/processingInfo/feedback are ignored. */
export class TaxDocumentDto {
  @ApiProperty({ type: TaxDocumentHeaderDto })
  @IsDefined({ message: 'header is required' }) @IsObject() @ValidateNested() @Type(() => TaxDocumentHeaderDto)
  header: TaxDocumentHeaderDto;

  @ApiProperty({ type: [TaxDocumentLineDto] })
  @IsDefined({ message: 'lines is required' }) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10000)
  @ValidateNested({ each: true }) @Type(() => TaxDocumentLineDto)
  @UniqueLineCodes() @LocationsOnHeaderOrLines()
  lines: TaxDocumentLineDto[];
}
