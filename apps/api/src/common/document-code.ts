import { ValidateBy, type ValidationOptions } from 'class-validator';

/** Document codes are at most 50 characters (TNG and AvaTax alike). */
export const DOCUMENT_CODE_MAX = 50;

/** C0 and C1 control characters (NUL, TAB, CR, LF, DEL, …) and the Unicode line / paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Why a document code cannot be taken, or undefined when it can. A code is printed on invoices, in
 * reports, CSV files and paths: it must show something (not only whitespace) and hold no control
 * character. Spaces inside or around are kept as sent.
 */
export function documentCodeProblem(code: string): string | undefined {
  if (CONTROL.test(code)) return 'must not contain control characters (NUL, TAB, CR, LF, DEL, …)';
  if (code.trim() === '') return 'must contain a visible character, not only whitespace';
  if (code.length > DOCUMENT_CODE_MAX) return `must be at most ${DOCUMENT_CODE_MAX} characters`;
  return undefined;
}

/** class-validator form of documentCodeProblem (a string is required: combine with IsOptional where optional). */
export const IsDocumentCode = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isDocumentCode',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && documentCodeProblem(value) === undefined,
        defaultMessage: (args) => `${args?.property} ${typeof args?.value === 'string' ? documentCodeProblem(args.value) : 'must be a string'}`,
      },
    },
    options,
  );
