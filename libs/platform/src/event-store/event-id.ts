import { createHash, randomUUID } from 'node:crypto';

/**
 * The id of an event, derived from what makes its append unique: the stream, the revision it is written
 * at, its type and the request that wrote it. An append repeated after its answer was lost (a transport
 * error, a retry inside the adapter) carries the same ids at the same expected revision, which
 * EventStoreDB recognises and does not write twice. A different request, stream or revision gives a
 * different id. Without a request id, a random UUID.
 */
export function deterministicEventId(streamName: string, revision: number, type: string, requestId: string | undefined): string {
  if (!requestId) return randomUUID();
  const hex = createHash('sha256').update(`${streamName}\n${revision}\n${type}\n${requestId}`).digest('hex');
  // RFC 9562 layout: version 8 (custom, name-based), variant 10
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
