/** Small helpers shared by the engine's modules. */

/** A dated entry is in force on `date` (ISO dates, inclusive at both ends; open-ended without `to`). */
export const activeOn = (from: string, to: string | undefined, date: string): boolean => from <= date && (to === undefined || date <= to);

/** A string with something other than blanks in it. */
export const nonEmpty = (s: string | undefined | null): s is string => typeof s === 'string' && s.trim() !== '';
