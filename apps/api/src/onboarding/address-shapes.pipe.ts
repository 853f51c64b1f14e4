import { Injectable, type PipeTransform } from '@nestjs/common';

const ADDRESS_FIELDS = ['line', 'line1', 'line2', 'line3', 'city', 'region', 'postalCode', 'country'] as const;

/**
 * Lets a location or nexus request give its address the ways clients do: nested `address`, a list in
 * `addresses` (POST /nexus), or flat on the body as AvaTax's LocationModel has it (line1, city, region,
 * postalCode, country). Runs before validation; it only moves fields, validation judges them.
 */
@Injectable()
export class AddressShapes implements PipeTransform {
  constructor(private readonly target: 'address' | 'addresses') {}

  transform(value: unknown) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const body = { ...(value as Record<string, unknown>) };
    let address = body.address;
    if (address === undefined && ADDRESS_FIELDS.some((f) => body[f] !== undefined)) {
      address = Object.fromEntries(ADDRESS_FIELDS.filter((f) => body[f] !== undefined).map((f) => [f, body[f]]));
      for (const f of ADDRESS_FIELDS) delete body[f];
    }
    if (this.target === 'address') {
      if (address !== undefined) body.address = address;
    } else if (body.addresses === undefined && address !== undefined) {
      body.addresses = [address];
      delete body.address;
    }
    return body;
  }
}
