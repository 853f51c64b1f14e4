import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { invalidValue } from './avatax-codes';

/**
 * A v2 query parameter is one value: `?$filter=a&$filter=b` arrives as an array, which the handlers
 * (string parsers of $filter, $include, $orderBy, documentType) cannot read; it is refused as
 * InvalidParameterValue instead.
 */
@Injectable()
export class SingleQueryValues implements PipeTransform {
  transform(value: unknown, metadata?: ArgumentMetadata) {
    if (Array.isArray(value)) throw invalidValue(metadata?.data ?? 'query', `The query parameter ${metadata?.data ?? ''} may be given once.`);
    if (value === null || typeof value !== 'object') return value;
    for (const [name, v] of Object.entries(value)) {
      if (Array.isArray(v)) throw invalidValue(name, `The query parameter ${name} may be given once.`);
    }
    return value;
  }
}
