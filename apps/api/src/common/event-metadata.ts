import type { EventMetadata } from '@tax-ledger/event-store';
import type { FastifyRequest } from 'fastify';
import type { Caller } from '../auth/caller';

const header = (request: FastifyRequest, name: string, max = 200) => {
  const value = request.headers[name];
  return typeof value === 'string' && value.length > 0 ? value.slice(0, max) : undefined;
};

/** Who, when and why for the events a request causes. */
export function eventMetadata(request: FastifyRequest, caller: Caller, extra: Record<string, string> = {}, schemaVersion = 1): EventMetadata {
  const requestId = String(request.id);
  return {
    schemaVersion,
    actor: caller.actor,
    credentialId: caller.credentialId,
    requestId,
    correlationId: header(request, 'x-correlation-id', 100) ?? requestId,
    causationId: requestId,
    userAgent: header(request, 'user-agent') ?? 'unknown',
    occurredAt: new Date().toISOString(),
    ...extra,
  };
}
