import { ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { LedgerError } from '@tax-ledger/ledger';
import { AppendTooLargeError, EventStoreUnavailableError, isMongoUnavailable, RecordTooLargeError, WrongExpectedRevisionError } from '@tax-ledger/platform';
import { ReadModelsBehindError } from '../storage/tokens';
import { ReadModelsIncompleteError } from '@tax-ledger/read-models';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TaxCalculationError } from '@tax-ledger/tax-engine';
import { ApiError, BODY_LIMIT_BYTES } from './api-error';
import { isAvataxV2Path, toAvataxError } from './avatax-error-codes';

const LEDGER_STATUS: Record<LedgerError['category'], number> = {
  invalid: 400,
  forbidden: 403,
  not_found: 404,
  not_allowed: 405,
  conflict: 409,
  precondition_failed: 412,
};

const HTTP_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'AuthenticationRequired',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  429: 'TooManyRequests',
  503: 'ServiceUnavailable',
};

/** "/lines/0/extendedAmount" -> "lines[0].extendedAmount", the path style of validation errors. */
const pointerToPath = (pointer: string) =>
  pointer
    .split('/')
    .filter(Boolean)
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');

/** Turns anything thrown into the documented error body; the one place statuses are chosen. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof LedgerError) {
    return new ApiError(
      LEDGER_STATUS[error.category],
      error.code,
      error.message,
      error.target,
      [{ code: error.code, message: error.message, severity: 'Error', ...(error.target ? { refersTo: error.target } : {}) }],
      // 405 names what the document still allows: reading it.
      error.category === 'not_allowed' ? { Allow: 'GET' } : {},
    );
  }
  if (error instanceof WrongExpectedRevisionError) {
    return new ApiError(409, 'ConcurrentModification', 'The document was changed by another request at the same time; retry.', 'documentCode');
  }
  if (error instanceof RecordTooLargeError) {
    const message =
      `The calculated document would be recorded as ${error.sizeBytes} bytes (as ${error.form === 'event' ? 'its event' : 'its read-model document'}); ` +
      `the ledger records at most ${error.maxBytes} bytes per document version (the event store's append limit and MongoDB's 16 MiB document limit, with margin). Nothing was written.`;
    return new ApiError(413, 'DocumentTooLarge', message, 'lines', [
      { code: 'DocumentTooLarge', message, severity: 'Error', refersTo: 'lines', limitBytes: error.maxBytes!, sizeBytes: error.sizeBytes },
    ]);
  }
  if (error instanceof AppendTooLargeError) {
    return new ApiError(413, 'DocumentTooLarge', 'The calculated document is larger than the event store accepts in one write; nothing was written.', 'lines');
  }
  if (error instanceof EventStoreUnavailableError) {
    if (error.outcomeUnknown) {
      return new ApiError(503, 'LedgerUnavailable', 'The ledger could not confirm this write: it may or may not have been recorded. Retry with the same Idempotency-Key: it is then recorded exactly once.');
    }
    return new ApiError(503, 'LedgerUnavailable', 'The ledger cannot accept writes right now; nothing was written. Retry later.');
  }
  // The read store (MongoDB) unreachable, electing a primary, or a query past its deadline: not a bug.
  if (isMongoUnavailable(error)) {
    return new ApiError(503, 'ReadStoreUnavailable', 'The ledger\'s read models cannot be reached right now. Retry later; a write retried with the same Idempotency-Key is recorded once.');
  }
  if (error instanceof ReadModelsBehindError) {
    return new ApiError(503, 'ReadModelsBehind', 'The read models are behind the ledger, so this operation stopped before deciding on stale data; what it already recorded stands. Repeat the request: it resumes where it stopped.');
  }
  if (error instanceof ReadModelsIncompleteError) {
    return new ApiError(
      503,
      'ReadModelsIncomplete',
      `The projector could not apply ${error.parkedEvents} event(s) of this company, so its worksheets and period totals would miss them: nothing was decided or reported. An operator fixes the cause and runs \`projections retry\` (GET /health/projections lists them); then repeat the request.`,
    );
  }
  // Input the engine cannot calculate is the caller's; broken content is ours (a 500, below).
  if (error instanceof TaxCalculationError && error.code !== 'InvalidContent') {
    return new ApiError(400, error.code, error.message, error.path && pointerToPath(error.path));
  }
  // Fastify's FST_ERR_CTP_BODY_TOO_LARGE, which Nest hands over as an HttpException with its status.
  if ((error instanceof HttpException && error.getStatus() === 413) || (error as { code?: string })?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    const message = `The request body is larger than the limit of ${BODY_LIMIT_BYTES} bytes (10 MiB); nothing was read or written.`;
    return new ApiError(413, 'PayloadTooLarge', message, 'body', [{ code: 'PayloadTooLarge', message, severity: 'Error', refersTo: 'body', limitBytes: BODY_LIMIT_BYTES }]);
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const message = status === 404 ? 'No such resource.' : error.message;
    return new ApiError(status, HTTP_CODES[status] ?? `Http${status}`, message);
  }
  // Fastify's own errors (bad JSON, wrong content type, body too large) carry a 4xx statusCode.
  const statusCode = (error as { statusCode?: number })?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const code = statusCode === 400 ? 'InvalidRequestBody' : HTTP_CODES[statusCode] ?? `Http${statusCode}`;
    return new ApiError(statusCode, code, String((error as Error).message));
  }
  return new ApiError(500, 'InternalError', 'An unexpected error occurred; it has been logged with the request id.');
}

@Catch()
export class ErrorResponseFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const apiError = isAvataxV2Path(request?.url) ? toAvataxError(toApiError(exception)) : toApiError(exception);
    if (apiError.status >= 500) {
      this.logger.error(
        { requestId: request?.id, method: request?.method, url: request?.url, err: exception instanceof Error ? exception.stack : String(exception) },
        'request failed',
      );
    }
    void reply.status(apiError.status).headers(apiError.headers).header('content-type', 'application/json; charset=utf-8').send(apiError.body());
  }
}
