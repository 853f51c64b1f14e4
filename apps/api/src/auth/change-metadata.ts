import type { EventMetadata } from '@tax-ledger/platform';
import type { FastifyRequest } from 'fastify';
import type { Caller } from './caller';
import { eventMetadata } from '../common/event-metadata';

/** Header carrying why a setup change was made; recorded as `reason` in the events' metadata. */
export const CHANGE_REASON_HEADER = 'x-change-reason';

/** Who/when (eventMetadata) and why (X-Change-Reason, at most 500 characters) of a setup change. */
export function changeMetadata(request: FastifyRequest, caller: Caller): EventMetadata {
  const reason = request.headers[CHANGE_REASON_HEADER];
  return eventMetadata(request, caller, typeof reason === 'string' && reason.trim() !== '' ? { reason: reason.trim().slice(0, 500) } : {});
}
