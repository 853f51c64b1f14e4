/** Types for the `zipcodes` package (US ZIP5 and Canadian FSA centroids), which ships none. */
declare module 'zipcodes' {
  export interface ZipCodeEntry {
    zip: string;
    latitude: number;
    longitude: number;
    city: string;
    /** USPS code for US ZIPs ("WA"); the province's name for Canadian FSAs ("British Columbia"). */
    state: string;
    /** "US" or "Canada". */
    country: string;
  }
  export function lookup(zip: string | number): ZipCodeEntry | undefined;
  /** Every entry by ZIP code (US) or forward sortation area (Canada). */
  export const codes: Record<string, ZipCodeEntry>;
  export const states: {
    /** USPS code -> name ("WA" -> "Washington"), US and Canadian. */
    abbr: Record<string, string>;
    /** Name -> USPS code. */
    full: Record<string, string>;
    /** "Washington" / "wa" -> "WA"; anything unknown is returned as given. */
    normalize(state: string): string;
  };
}
