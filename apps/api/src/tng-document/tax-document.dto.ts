import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  isISO4217CurrencyCode,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import Decimal from 'decimal.js';
import {
  ENTITY_USE_TYPES,
  type EntityUseType,
  MAX_AMOUNT,
  type TaxDocument,
  TRANSACTION_TYPES,
  type TransactionType,
} from '@tax-ledger/tax-engine';
import type { ErrorDetail } from '../common/api-error';
import { DOCUMENT_CODE_MAX, documentCodeProblem } from '../common/document-code';
import { OptionalProperty, RESPONSE_ONLY, SchemaValidated } from '../common/request-schema';

/**
 * The TNG TaxDocument as a request body. The @ApiProperty options are the one definition of the body:
 * the OpenAPI document shows them and the compiled JSON-schema validator (common/request-schema.ts)
 * checks them; `taxDocumentProblems` below checks what JSON schema cannot say. Unknown properties are
 * a 400 naming each (docs/decisions.md, "Unknown request properties").
 */

/** ISO 8601 calendar date (YYYY-MM-DD) that exists on the calendar (the list queries' class-validator rule). */
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

const CODE = 50;
const MAX_DECIMALS = 6;
/** Amounts: JSON numbers from 0 to 10^12 (decimal scale: taxDocumentProblems). */
const AMOUNT = { type: Number, minimum: 0, maximum: MAX_AMOUNT, description: `0 to ${MAX_AMOUNT}, at most ${MAX_DECIMALS} decimals; a JSON number` } as const;
const text = (maxLength: number) => ({ type: String, maxLength }) as const;
const requiredText = (maxLength: number) => ({ type: String, minLength: 1, maxLength }) as const;
const DATE = { type: String, format: 'date', description: 'ISO 8601 calendar date (YYYY-MM-DD) that exists' } as const;
const STRING_MAP = {
  type: 'object',
  additionalProperties: { type: 'string', maxLength: 1024 },
  maxProperties: 100,
  description: 'At most 100 string values of at most 1024 characters, keys of at most 128',
} as const;

/** Address; also the shape /addresses resolves (its class-validator rules serve that batch route). */
export class TngAddressDto {
  @OptionalProperty(text(100)) @IsOptional() @IsString() @MaxLength(100) line1?: string;
  @OptionalProperty(text(100)) @IsOptional() @IsString() @MaxLength(100) line2?: string;
  @OptionalProperty(text(100)) @IsOptional() @IsString() @MaxLength(100) line3?: string;
  @OptionalProperty(text(50)) @IsOptional() @IsString() @MaxLength(50) city?: string;
  @OptionalProperty(text(50)) @IsOptional() @IsString() @MaxLength(50) municipality?: string;
  @OptionalProperty(text(50)) @IsOptional() @IsString() @MaxLength(50) town?: string;
  @OptionalProperty(text(50)) @IsOptional() @IsString() @MaxLength(50) state?: string;
  @OptionalProperty(text(50)) @IsOptional() @IsString() @MaxLength(50) province?: string;
  @OptionalProperty({ type: String, pattern: '^[A-Za-z]{2,3}$', example: 'USA', description: 'ISO 3166-1 alpha-3 (alpha-2 accepted)' })
  @IsOptional() @IsString() @Matches(/^[A-Za-z]{2,3}$/, { message: 'country must be an ISO 3166-1 alpha-3 (or alpha-2) code' })
  country?: string;
  @OptionalProperty(text(11)) @IsOptional() @IsString() @MaxLength(11) zipcode?: string;
  @OptionalProperty(text(11)) @IsOptional() @IsString() @MaxLength(11) postalCode?: string;
  @OptionalProperty(text(11)) @IsOptional() @IsString() @MaxLength(11) postcode?: string;
}

export class LatLongDto {
  @ApiProperty({ type: Number, minimum: -90, maximum: 90 }) latitude: number;
  @ApiProperty({ type: Number, minimum: -180, maximum: 180 }) longitude: number;
}

export class LocationContentDto {
  @ApiPropertyOptional({ type: TngAddressDto }) address?: TngAddressDto;
  @ApiPropertyOptional({ type: LatLongDto }) latlong?: LatLongDto;
  @OptionalProperty(text(CODE)) locationCode?: string;
  @OptionalProperty(text(45)) IpAddress?: string;
  @OptionalProperty(text(CODE)) addressTaxPayerCode?: string;
  @OptionalProperty({ type: String, enum: ENTITY_USE_TYPES }) addressEntityUseType?: EntityUseType;
  @ApiPropertyOptional({ ...RESPONSE_ONLY, type: 'string' }) taxLocationPurpose?: unknown;
}

/** The seed's location purposes; any other key is an unknown property (400). */
export class LocationsDto {
  @ApiPropertyOptional({ type: LocationContentDto }) shipFrom?: LocationContentDto;
  @ApiPropertyOptional({ type: LocationContentDto }) callPlaced?: LocationContentDto;
  @ApiPropertyOptional({ type: LocationContentDto }) pom?: LocationContentDto;
  @ApiPropertyOptional({ type: LocationContentDto }) poa?: LocationContentDto;
  @ApiPropertyOptional({ type: LocationContentDto }) dropship?: LocationContentDto;
  @ApiPropertyOptional({ type: LocationContentDto }) pos?: LocationContentDto;
  @ApiPropertyOptional({ type: LocationContentDto }) shipTo?: LocationContentDto;
  @ApiPropertyOptional({ type: LocationContentDto }) poo?: LocationContentDto;
  @ApiPropertyOptional({ type: LocationContentDto }) billingLocation?: LocationContentDto;
  @ApiPropertyOptional({ type: LocationContentDto }) callReceived?: LocationContentDto;
  @ApiPropertyOptional({ type: LocationContentDto }) serviceRendered?: LocationContentDto;
  @ApiPropertyOptional({ type: LocationContentDto }) firstUse?: LocationContentDto;
}

export class TaxDocumentHeaderDto {
  @ApiProperty({ ...requiredText(CODE), example: 'A1 Boats' })
  companyCode: string;

  @ApiProperty({ type: String, enum: TRANSACTION_TYPES, example: 'Sale' })
  transactionType: TransactionType;

  @ApiProperty({ ...requiredText(DOCUMENT_CODE_MAX), example: '#12345', description: 'REQUIRED for transactions; at most 50 characters, a visible one, no control characters' })
  documentCode: string;

  @OptionalProperty({ ...requiredText(CODE), example: 'ArgosyCruises', description: 'REQUIRED for sales' })
  customerCode?: string;

  @OptionalProperty({ ...requiredText(CODE), description: 'REQUIRED for purchases' })
  vendorCode?: string;

  @ApiProperty({ ...DATE, example: '2014-06-11' })
  transactionDate: string;

  @OptionalProperty({ type: String, example: 'USD', description: 'ISO 4217' })
  currency?: string;

  @OptionalProperty(AMOUNT)
  totalTaxOverrideAmount?: number;

  @OptionalProperty(DATE)
  taxCalculationDate?: string;

  @OptionalProperty(text(CODE))
  defaultAvalaraGoodsAndServicesModifierType?: string;

  @ApiPropertyOptional({ type: LocationsDto })
  defaultLocations?: LocationsDto;

  @OptionalProperty(text(CODE))
  defaultTaxPayerCode?: string;

  @OptionalProperty({ type: String, enum: ENTITY_USE_TYPES })
  defaultEntityUseType?: EntityUseType;

  @OptionalProperty(text(CODE))
  purchaseOrderNumber?: string;

  @OptionalProperty(STRING_MAP)
  metadata?: Record<string, string>;
}

export class TaxDocumentLineDto {
  @ApiProperty({ ...requiredText(CODE), example: '1' })
  lineCode: string;

  @ApiProperty({ ...requiredText(CODE), example: '22456366' })
  itemCode: string;

  @OptionalProperty(text(CODE))
  avalaraGoodsAndServicesType?: string;

  @OptionalProperty(text(CODE))
  avalaraGoodsAndServicesModifierType?: string;

  @OptionalProperty({ ...AMOUNT, example: 1 })
  quantity?: number;

  @ApiProperty({ ...AMOUNT, example: 32.5, description: `Positive, also for returns; ${AMOUNT.description}` })
  extendedAmount: number;

  @ApiProperty({ ...requiredText(2048), example: "Men's adidas FREEFOOTBALL JANEIRINHA Soccer Shoes" })
  itemDescription: string;

  @OptionalProperty(text(CODE))
  unitOfMeasure?: string;

  @ApiPropertyOptional({ type: LocationsDto })
  locations?: LocationsDto;

  @OptionalProperty(text(CODE))
  taxPayerCode?: string;

  @OptionalProperty({ type: String, enum: ENTITY_USE_TYPES })
  entityUseType?: EntityUseType;

  @OptionalProperty(AMOUNT)
  taxOverrideAmount?: number;

  @OptionalProperty({ type: Boolean })
  taxIncluded?: boolean;

  @OptionalProperty({ ...DATE, description: "This line's tax date (rates, nexus, taxability), overriding the header's taxCalculationDate: a return of goods bought on different dates" })
  taxCalculationDate?: string;

  @OptionalProperty(STRING_MAP)
  metadata?: Record<string, string>;

  @ApiPropertyOptional(RESPONSE_ONLY)
  calculatedTax?: unknown;
}

/**
 * The document the engine gets: a copy of the body without what the answer carries and a request may
 * send back (calculatedTaxSummary, processingInfo, …). The body itself stays as received (the
 * Idempotency-Key hash reads it).
 */
export function toTaxDocument(body: TaxDocumentDto | CalculationBody): TaxDocument {
  const doc = JSON.parse(JSON.stringify(body)) as TaxDocumentDto;
  dropResponseOnly(doc);
  return doc as unknown as TaxDocument;
}

type CalculationBody = Omit<TaxDocumentDto, 'header'> & { header: Omit<TaxDocumentHeaderDto, 'documentCode'> & { documentCode?: string } };

function dropResponseOnly(doc: TaxDocumentDto) {
  delete doc.calculatedTaxSummary;
  delete doc.processingInfo;
  delete doc.feedback;
  delete doc.messages;
  const locations = [doc.header.defaultLocations];
  for (const line of doc.lines) {
    delete line.calculatedTax;
    locations.push(line.locations);
  }
  for (const l of locations) for (const content of Object.values(l ?? {})) if (content) delete content.taxLocationPurpose;
}

/** What JSON schema cannot say about a TaxDocument, run after the schema passed. */
export function taxDocumentProblems(doc: TaxDocumentDto, options: { documentCodeRequired: boolean } = { documentCodeRequired: true }): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const problem = (code: string, refersTo: string, message: string) => problems.push({ code, message, severity: 'Error', refersTo });
  const h = doc.header;
  if (typeof h.documentCode === 'string' || options.documentCodeRequired) {
    const why = documentCodeProblem(h.documentCode);
    if (why) problem('Invalid_isDocumentCode', 'header.documentCode', `header.documentCode ${why}`);
  }
  if (h.transactionType === 'Sale' && (h.customerCode === undefined || h.customerCode === null)) problem('Invalid_isNotEmpty', 'header.customerCode', 'customerCode is required for sales');
  if (h.transactionType === 'Purchase' && (h.vendorCode === undefined || h.vendorCode === null)) problem('Invalid_isNotEmpty', 'header.vendorCode', 'vendorCode is required for purchases');
  if (h.currency !== undefined && h.currency !== null && !isISO4217CurrencyCode(h.currency)) problem('Invalid_isISO4217CurrencyCode', 'header.currency', 'header.currency must be a valid ISO4217 currency code');
  amountScale(h.totalTaxOverrideAmount, 'header.totalTaxOverrideAmount', problem);
  metadataKeys(h.metadata, 'header.metadata', problem);
  doc.lines.forEach((line, i) => {
    amountScale(line.quantity, `lines[${i}].quantity`, problem);
    amountScale(line.extendedAmount, `lines[${i}].extendedAmount`, problem);
    amountScale(line.taxOverrideAmount, `lines[${i}].taxOverrideAmount`, problem);
    metadataKeys(line.metadata, `lines[${i}].metadata`, problem);
  });
  const codes = doc.lines.map((l) => l.lineCode);
  if (new Set(codes).size !== codes.length) problem('Invalid_uniqueLineCodes', 'lines', 'lineCode must be unique within the document');
  if (!hasLocation(h.defaultLocations) && !doc.lines.every((l) => hasLocation(l.locations))) {
    problem('Invalid_locationsOnHeaderOrLines', 'lines', 'header.defaultLocations is required unless every line has locations');
  }
  return problems;
}

/** At most 6 decimals, judged on the number's decimal text (1e-7 has 7). */
function amountScale(value: number | null | undefined, path: string, problem: (code: string, refersTo: string, message: string) => void) {
  if (typeof value === 'number' && decimalPlaces(value) > MAX_DECIMALS) {
    problem('Invalid_isAmount', path, `${path} must be a number from 0 to ${MAX_AMOUNT} with at most ${MAX_DECIMALS} decimals`);
  }
}

/** Decimals of a number's shortest decimal text; exponent forms (1e-7) through decimal.js. */
function decimalPlaces(value: number): number {
  const text = String(value);
  if (text.includes('e')) return new Decimal(text).decimalPlaces();
  const point = text.indexOf('.');
  return point < 0 ? 0 : text.length - point - 1;
}

function metadataKeys(metadata: Record<string, string> | null | undefined, path: string, problem: (code: string, refersTo: string, message: string) => void) {
  const long = metadata ? Object.keys(metadata).find((k) => k.length > 128) : undefined;
  if (long !== undefined) problem('Invalid_isStringMap', path, `${path} keys must be at most 128 characters`);
}

const hasLocation = (locations?: LocationsDto | null) =>
  !!locations && typeof locations === 'object' && Object.values(locations).some((v) => v !== undefined && v !== null);

/** The TNG TaxDocument as a request body; calculatedTaxSummary/processingInfo/feedback/messages are ignored. */
@SchemaValidated((doc: TaxDocumentDto) => taxDocumentProblems(doc))
export class TaxDocumentDto {
  @ApiProperty({ type: TaxDocumentHeaderDto })
  header: TaxDocumentHeaderDto;

  @ApiProperty({ type: [TaxDocumentLineDto], minItems: 1, maxItems: 10000 })
  lines: TaxDocumentLineDto[];

  @ApiPropertyOptional(RESPONSE_ONLY) calculatedTaxSummary?: unknown;
  @ApiPropertyOptional(RESPONSE_ONLY) processingInfo?: unknown;
  @ApiPropertyOptional({ ...RESPONSE_ONLY, description: 'Client feedback (latencyData); accepted and ignored' }) feedback?: unknown;
  @ApiPropertyOptional({ ...RESPONSE_ONLY, type: 'array', items: { type: 'object' } }) messages?: unknown;
}
