import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type RecordedEvent, WrongExpectedRevisionError } from '@tax-ledger/platform';
import {
  decideIdempotencyKey,
  foldIdempotencyKey,
  type IdempotencyKeyEvent,
  idempotencyKeyStreamName,
} from '@tax-ledger/ledger';
import { IdempotencyKeyConflict, projectTransaction, type TransactionView } from '@tax-ledger/transactions';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError, badRequest } from './api-error';
import { type EventActor, eventMetadata } from './event-metadata';
import { LEDGER_CONFIG, type LedgerConfig } from '../config';

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

/** A reservation unanswered this long, whose request wrote nothing, was abandoned (its process died). */
export const ABANDONED_RESERVATION_MS = 60_000;
/** How long a request waits for the same request running elsewhere to answer, before 409. */
const IN_FLIGHT_WAIT_MS = 5_000;

/**
 * Idempotency-Key on writes (docs/architecture.md "Events"): the same key and request replays the first
 * answer; the same key with another request is 422. Of requests racing with one key exactly one runs,
 * whichever process or replica serves them: each first reserves the key by appending to the key's own
 * stream with expected revision "no stream" (`libs/ledger/src/idempotency-key.ts`), which the event store
 * grants once. The others answer from the first (replay), 422 (another request), or 409
 * `IdempotencyKeyInFlight` while it still runs. The key also travels in the written events' metadata
 * (the `idempotency_keys` read model, the replay's fast path; embedded, it is checked again inside the
 * append's transaction).
 */
@Injectable()
export class Idempotency {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  async run<V extends { id: string; streamRevision: number } = TransactionView>(
    caller: EventActor & { accountId: string },
    request: FastifyRequest,
    execute: (metadata: Record<string, string>) => Promise<CommandOutcome<V>>,
    project: ReplayProjection<V> = projectTransaction as unknown as ReplayProjection<V>,
  ): Promise<CommandOutcome<V>> {
    const idempotent = idempotentRequest(request);
    if (!idempotent) return execute({});
    const accountId = caller.accountId;
    const earlier = await this.replay(accountId, idempotent, project);
    if (earlier) return earlier;
    const extra = { idempotencyKey: idempotent.key, requestHash: idempotent.requestHash };
    if (!this.config.idempotencyKeyStream) return this.execute(accountId, idempotent, () => execute(extra), project);
    // The key stream's own events carry no idempotencyKey metadata: they are not the write that answers it.
    const metadata = eventMetadata(request, caller);
    const stream = idempotencyKeyStreamName(accountId, idempotent.key);
    const reservation = await this.reserve(stream, accountId, idempotent, metadata, project);
    if ('answer' in reservation) return reservation.answer;
    let outcome: CommandOutcome<V>;
    try {
      outcome = await this.execute(accountId, idempotent, () => execute(extra), project);
    } catch (error) {
      // Refused: it wrote nothing, so its retry must run again. Release the key (best effort: an
      // unreleased reservation is taken over after ABANDONED_RESERVATION_MS).
      const release: IdempotencyKeyEvent = { type: 'IdempotencyKeyReleased', data: { accountId, key: idempotent.key } };
      await this.eventStore.append(stream, [{ ...release, metadata }], { expectedRevision: reservation.revision }).catch(() => undefined);
      throw error;
    }
    const answer: IdempotencyKeyEvent = {
      type: 'IdempotencyKeyAnswered',
      data: { accountId, key: idempotent.key, streamName: outcome.view.id, revision: outcome.view.streamRevision },
    };
    // Best effort: the write stands without it (the read model's record answers replays too).
    await this.eventStore.append(stream, [{ ...answer, metadata }]).catch(() => undefined);
    return outcome;
  }

  /** Runs the command; a concurrent request with the key that won inside the append answers instead. */
  private async execute<V>(
    accountId: string,
    idempotent: IdempotentRequest,
    run: () => Promise<CommandOutcome<V>>,
    project: ReplayProjection<V>,
  ): Promise<CommandOutcome<V>> {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof IdempotencyKeyConflict)) throw error;
      const winner = await this.replay(accountId, idempotent, project);
      if (winner) return winner;
      throw error;
    }
  }

  /** Reserves the key (its revision on the key stream), or the first request's answer (or 409 / 422). */
  private async reserve<V>(
    stream: string,
    accountId: string,
    idempotent: IdempotentRequest,
    metadata: ReturnType<typeof eventMetadata>,
    project: ReplayProjection<V>,
  ): Promise<{ revision: number } | { answer: CommandOutcome<V> }> {
    const reservation = (): { type: string; data: unknown; metadata: typeof metadata } => ({
      type: 'IdempotencyKeyReserved',
      data: { accountId, key: idempotent.key, requestHash: idempotent.requestHash, reservedAt: new Date().toISOString() },
      metadata,
    });
    try {
      await this.eventStore.append(stream, [reservation()], { expectedRevision: 'no_stream' });
      return { revision: 0 };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
    // The same request running elsewhere usually answers within milliseconds: wait for it a while (as a
    // client would retry), answering 409 only when it takes longer.
    const deadline = Date.now() + IN_FLIGHT_WAIT_MS;
    for (;;) {
      const history = await this.eventStore.readStream(stream);
      const state = foldIdempotencyKey(history as unknown as IdempotencyKeyEvent[]);
      const written = (await this.readStore.getIdempotencyRecord(accountId, idempotent.key)) !== null;
      const decision = decideIdempotencyKey(state, idempotent.requestHash, new Date(), ABANDONED_RESERVATION_MS, written);
      if (decision.outcome === 'inFlight' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      return this.settle(decision, stream, history.length - 1, reservation, idempotent, project);
    }
  }

  private async settle<V>(
    decision: ReturnType<typeof decideIdempotencyKey>,
    stream: string,
    lastRevision: number,
    reservation: () => { type: string; data: unknown; metadata: ReturnType<typeof eventMetadata> },
    idempotent: IdempotentRequest,
    project: ReplayProjection<V>,
  ): Promise<{ revision: number } | { answer: CommandOutcome<V> }> {
    switch (decision.outcome) {
      case 'reused':
        throw reusedKey(idempotent.key);
      case 'replay':
        return { answer: await this.answerFrom(decision.streamName, decision.revision, project) };
      case 'takeOver':
        try {
          await this.eventStore.append(stream, [reservation()], { expectedRevision: lastRevision });
          return { revision: lastRevision + 1 };
        } catch (error) {
          if (!(error instanceof WrongExpectedRevisionError)) throw error;
          throw inFlight(idempotent.key); // another retry took it over first
        }
      case 'inFlight':
        throw inFlight(idempotent.key);
    }
  }

  /** The first answer to this key, rebuilt from the log; 422 when the key was used for another request. */
  private async replay<V>(accountId: string, idempotent: IdempotentRequest, project: ReplayProjection<V>): Promise<CommandOutcome<V> | undefined> {
    const record = await this.readStore.getIdempotencyRecord(accountId, idempotent.key);
    if (!record) return undefined;
    if (record.requestHash !== idempotent.requestHash) throw reusedKey(idempotent.key);
    return this.answerFrom(record.streamName, record.revision, project);
  }

  private async answerFrom<V>(streamName: string, revision: number, project: ReplayProjection<V>): Promise<CommandOutcome<V>> {
    const events = await this.eventStore.readStream(streamName, { maxCount: revision + 1 });
    const view = events.reduce<V | null>(project, null);
    if (!view) throw new Error(`the answer to an Idempotency-Key points at an empty stream ${streamName}`);
    return { view, created: revision === 0 };
  }
}

const reusedKey = (key: string) =>
  new ApiError(422, 'IdempotencyKeyReused', `Idempotency-Key "${key}" was already used for a different request.`, 'Idempotency-Key');

const inFlight = (key: string) =>
  new ApiError(409, 'IdempotencyKeyInFlight', `A request with Idempotency-Key "${key}" is still being processed; retry it shortly.`, 'Idempotency-Key');
