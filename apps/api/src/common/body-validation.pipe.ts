import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { badRequest } from './api-error';
import { apiValidationPipe } from './validation';

/** A JSON body must be an object before its fields are validated (arrays, strings and null are refused). */
@Injectable()
export class ValidBody implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata) {
    if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
      throw badRequest('InvalidRequestBody', 'The request body must be a JSON object.', 'body');
    }
    return apiValidationPipe.transform(value, metadata);
  }
}
