import type { EventMetadata } from '@tax-ledger/platform';
import type { FastifyRequest } from 'fastify';

const header = (request: FastifyRequest, name: string, max = 200) => {
  const value = request.headers[name];
  return typeof value === 'string' && value.length > 0 ? value.slice(0, max) : undefined;
};

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** The caller's own X-Request-Id, when it is sane (never used as the server's request id). */
export function clientRequestIdOf(request: { headers: FastifyRequest['headers'] }): string | undefined {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : undefined;
}

/** Who acts, as the auth guards' Caller says it (a structural type: common/ imports nothing of auth/). */
export interface EventActor {
  /** "credential:<id>" or "partner". */
  actor: string;
  credentialId: string;
}

/**
 * Who, when and why for the events a request causes. `requestId` is the server's; the caller's
 * X-Request-Id, when sent, is kept apart as `clientRequestId`.
 */
export function eventMetadata(request: FastifyRequest, caller: EventActor, extra: Record<string, string> = {}, schemaVersion = 1): EventMetadata {
  const requestId = String(request.id);
  const clientRequestId = clientRequestIdOf(request);
  return {
    schemaVersion,
    actor: caller.actor,
    credentialId: caller.credentialId,
    requestId,
    correlationId: header(request, 'x-correlation-id', 100) ?? requestId,
    causationId: requestId,
    userAgent: header(request, 'user-agent') ?? 'unknown',
    occurredAt: new Date().toISOString(),
    ...(clientRequestId ? { clientRequestId } : {}),
    ...extra,
  };
}
