import { ApiError } from './api-error';

/**
 * The AvaTax REST v2 surface (`/api/v2/...`) answers with AvaTax's documented error codes (the SDK's
 * `ErrorCodeId` list), because its callers branch on them: a 401 is `AuthenticationException`, a missing
 * entity `EntityNotFoundError`, and so on. The TNG routes keep their own codes; the shared guards, pipes
 * and ledger errors are translated here, once, by the error filter (docs/avatax-v2.md "Errors").
 */
const V2_CODES: Record<string, { code: string; status?: number }> = {
  AuthenticationFailed: { code: 'AuthenticationException' },
  AuthenticationRequired: { code: 'AuthenticationException' },
  PermissionDenied: { code: 'AuthorizationException' },
  AccountIdMismatch: { code: 'AuthorizationException' },
  Forbidden: { code: 'AuthorizationException' },
  ModelRequiredError: { code: 'ModelRequiredException' },
  InvalidRequestBody: { code: 'JsonFormatError' },
  BadRequest: { code: 'ValidationException' },
  InvalidRequest: { code: 'ValidationException' },
  UnsupportedMediaType: { code: 'InvalidRequestContentType' },
  PayloadTooLarge: { code: 'RequestTooLarge' },
  DocumentTooLarge: { code: 'RequestTooLarge' },
  TooManyRequests: { code: 'RequestLimitExceeded' },
  TooManyFailedAuthentications: { code: 'RequestLimitExceeded' },
  NoJurisdictionsAtAddress: { code: 'JurisdictionNotFoundError' },
  LocationNotFound: { code: 'AddressLocationNotFound' },
  InternalError: { code: 'InternalServerError' },
  CompanyNotFound: { code: 'EntityNotFoundError', status: 404 },
  // A customer code or certificate id taken by a request that raced this one.
  CustomerExists: { code: 'DuplicateEntry', status: 400 },
  CertificateExists: { code: 'DuplicateEntry', status: 400 },
};

/**
 * Codes the v2 surface answers that AvaTax's list does not have, each for something AvaTax has no word
 * for (documented in docs/avatax-v2.md): strict coverage refusals, the ledger's Reconciled state, a lost
 * write race, the ledger or its read models unavailable, and an AvaTax operation this server does not serve.
 */
export const V2_EXTENSION_CODES: readonly string[] = ['ContentNotCovered', 'TransactionReconciled', 'ConcurrentModification', 'LedgerUnavailable', 'ReadModelsBehind', 'NotImplemented'];

export const isAvataxV2Path = (url: string | undefined): boolean => url !== undefined && /^\/api\/v2(\/|$|\?)/i.test(url);

/** The same refusal in AvaTax's words: the code (and for a missing company the status) AvaTax uses. */
export function toAvataxError(error: ApiError): ApiError {
  // Fastify's JSON parser fails as a plain 400 (Nest's BadRequest) saying the body is not valid JSON.
  const mapped = error.code === 'BadRequest' && /\bJSON\b/.test(error.message) ? { code: 'JsonFormatError' } : V2_CODES[error.code];
  // Any other missing thing (a nexus, a certificate, a customer, a company by id) is AvaTax's EntityNotFoundError.
  const code = mapped?.code ?? (error.status === 404 && error.code !== 'NotFound' ? 'EntityNotFoundError' : error.code);
  if (code === error.code) return error;
  const details = error.details.map((d) => (d.code === error.code ? { ...d, code } : d));
  return new ApiError(mapped?.status ?? error.status, code, error.message, error.target, details, error.headers);
}
