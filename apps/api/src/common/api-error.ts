/** The documented error body: {"error":{code,message,target,details:[{code,message,severity,refersTo}]}}. */
export interface ErrorDetail {
  code: string;
  message: string;
  severity: 'Error' | 'Warning';
  refersTo?: string;
  /** Further facts a detail may carry (ContentNotCovered: target, description, lineCode, level, region, zip, firstDate, …). */
  [fact: string]: unknown;
}

export interface ErrorBody {
  error: { code: string; message: string; target?: string; details: ErrorDetail[] };
}

/** An error the API answers with a given status and the documented body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly target?: string,
    readonly details: ErrorDetail[] = [],
    /** Extra response headers, e.g. Retry-After on 429, Allow on 405. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.target !== undefined ? { target: this.target } : {}),
        details: this.details.length ? this.details : [{ code: this.code, message: this.message, severity: 'Error', ...(this.target ? { refersTo: this.target } : {}) }],
      },
    };
  }
}

export const badRequest = (code: string, message: string, target?: string, details?: ErrorDetail[]) =>
  new ApiError(400, code, message, target, details);

/** Largest request body accepted (10 MiB: a 10,000-line document is about 2 MiB). */
export const BODY_LIMIT_BYTES = 10 * 1024 * 1024;
