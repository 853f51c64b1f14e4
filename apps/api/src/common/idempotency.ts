import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@tax-ledger/platform';
import { IdempotencyKeyConflict, projectTransaction, type TransactionView } from '@tax-ledger/transactions';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError, badRequest } from './api-error';

export interface IdempotentRequest {
  key: string;
  requestHash: string;
}

/** JSON with object keys sorted, so the same body hashes the same whatever its key order. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The Idempotency-Key of a request with the hash of what it asks (method, path, strict, body); undefined without a key. */
export function idempotentRequest(request: FastifyRequest): IdempotentRequest | undefined {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(header)) {
    throw badRequest('InvalidIdempotencyKey', 'Idempotency-Key must be 1 to 255 visible ASCII characters.', 'Idempotency-Key');
  }
  // `strict=true` asks for something else than the same body without it (a lenient success must not
  // replay to a strict request); strict=false and absent ask the same (a request cannot loosen strictness).
  const strict = String((request.query as Record<string, unknown> | undefined)?.strict ?? '').trim().toLowerCase() === 'true';
  const path = `${request.url.split('?')[0]}${strict ? '?strict=true' : ''}`;
  const requestHash = createHash('sha256').update(`${request.method} ${path}\n${canonicalJson(request.body)}`).digest('hex');
  return { key: header, requestHash };
}

export interface CommandOutcome<V = TransactionView> {
  view: V;
  created: boolean;
}

/** How a replay rebuilds the answer from the stream: the projection of the command's record type. */
export type ReplayProjection<V> = (view: V | null, event: RecordedEvent) => V | null;

/**
 * Idempotency-Key on writes (docs/architecture.md "Events"): the same key and request replays the first answer; the same
 * key with another request is 422. The key travels in the events' metadata and is recorded by a
 * projection in the append's own transaction (embedded), so a retry racing the original still gets
 * exactly one write.
 */
@Injectable()
export class Idempotency {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
  ) {}

  async run<V = TransactionView>(
    accountId: string,
    idempotent: IdempotentRequest | undefined,
    execute: (metadata: Record<string, string>) => Promise<CommandOutcome<V>>,
    project: ReplayProjection<V> = projectTransaction as unknown as ReplayProjection<V>,
  ): Promise<CommandOutcome<V>> {
    if (!idempotent) return execute({});
    const earlier = await this.replay(accountId, idempotent, project);
    if (earlier) return earlier;
    try {
      return await execute({ idempotencyKey: idempotent.key, requestHash: idempotent.requestHash });
    } catch (error) {
      if (!(error instanceof IdempotencyKeyConflict)) throw error;
      const winner = await this.replay(accountId, idempotent, project); // a concurrent request with this key won
      if (winner) return winner;
      throw error;
    }
  }

  /** The first answer to this key, rebuilt from the log; 422 when the key was used for another request. */
  private async replay<V>(accountId: string, idempotent: IdempotentRequest, project: ReplayProjection<V>): Promise<CommandOutcome<V> | undefined> {
    const record = await this.readStore.getIdempotencyRecord(accountId, idempotent.key);
    if (!record) return undefined;
    if (record.requestHash !== idempotent.requestHash) {
      throw new ApiError(422, 'IdempotencyKeyReused', `Idempotency-Key "${idempotent.key}" was already used for a different request.`, 'Idempotency-Key');
    }
    const events = await this.eventStore.readStream(record.streamName, { maxCount: record.revision + 1 });
    const view = events.reduce<V | null>(project, null);
    if (!view) throw new Error(`idempotency record ${record.key} points at an empty stream ${record.streamName}`);
    return { view, created: record.revision === 0 };
  }
}
