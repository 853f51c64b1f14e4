import { type ValidationError, ValidationPipe } from '@nestjs/common';
import { badRequest, type ErrorDetail } from './api-error';

/** Flattens class-validator's error tree into details naming each bad field by its path. */
export function validationDetails(errors: ValidationError[], prefix = ''): ErrorDetail[] {
  return errors.flatMap((e) => {
    const path = /^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : prefix ? `${prefix}.${e.property}` : e.property;
    const own: ErrorDetail[] = Object.entries(e.constraints ?? {}).map(([code, message]) =>
      code === 'whitelistValidation' ? unknownProperty(path) : {
      code: `Invalid_${code}`,
      // class-validator starts messages with the property name; show the full path instead.
      message: message.startsWith(`${e.property} `) ? `${path}${message.slice(e.property.length)}` : message,
      severity: 'Error' as const,
      refersTo: path,
    });
    return [...own, ...validationDetails(e.children ?? [], path)];
  });
}

/** The detail for a body property the DTO does not declare (both validators answer it alike). */
export const unknownProperty = (path: string): ErrorDetail => ({
  code: 'UnknownProperty',
  message: `${path} is not a known property; nothing was recorded (check its spelling and docs/api.md)`,
  severity: 'Error',
  refersTo: path,
});

const pipeOptions = (forbidNonWhitelisted: boolean) => new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted,
  transform: true,
  validationError: { target: false, value: false },
  exceptionFactory: (errors) => {
    const details = validationDetails(errors);
    const first = details[0];
    return badRequest(
      'InvalidRequest',
      details.length === 1 ? first.message : `${details.length} fields are invalid; the first is ${first?.refersTo}: ${first?.message}`,
      first?.refersTo,
      details,
    );
  },
});

/** Query validation (and v2 bodies): unknown fields are dropped, types converted only where declared. */
export const apiValidationPipe = pipeOptions(false);
/** TNG body validation: an unknown property is a 400 naming it. */
export const bodyValidationPipe = pipeOptions(true);

/** A true / false query parameter (any case); absent or empty = undefined; anything else a 400 with `code`. */
export function booleanQuery(value: unknown, name: string, code: string): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw badRequest(code, `${name} must be true or false.`, name);
}
