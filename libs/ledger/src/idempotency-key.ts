/**
 * The Idempotency-Key as its own stream (`IdempotencyKey-<account>-<key>`), so that of two requests racing
 * with one key exactly one writes, whichever process or replica runs them and however far the read
 * models lag: the first reserves the key with an append that expects no stream; the event store refuses
 * every other. After the command, `IdempotencyKeyAnswered` names the stream and revision that answer it.
 */
export const IDEMPOTENCY_KEY_CATEGORY = 'IdempotencyKey';
export const idempotencyKeyStreamName = (accountId: string, key: string) =>
  `${IDEMPOTENCY_KEY_CATEGORY}-${encodeURIComponent(accountId)}-${encodeURIComponent(key)}`;

export type IdempotencyKeyReserved = {
  type: 'IdempotencyKeyReserved';
  data: { accountId: string; key: string; requestHash: string; reservedAt: string };
};
export type IdempotencyKeyAnswered = {
  type: 'IdempotencyKeyAnswered';
  data: { accountId: string; key: string; streamName: string; revision: number };
};
/** The reserving request was refused (it wrote nothing): the key is free for its retry. */
export type IdempotencyKeyReleased = {
  type: 'IdempotencyKeyReleased';
  data: { accountId: string; key: string };
};
export type IdempotencyKeyEvent = IdempotencyKeyReserved | IdempotencyKeyAnswered | IdempotencyKeyReleased;

export interface IdempotencyKeyState {
  requestHash?: string;
  reservedAt?: string;
  answer?: { streamName: string; revision: number };
}

export function foldIdempotencyKey(events: readonly IdempotencyKeyEvent[]): IdempotencyKeyState {
  let state: IdempotencyKeyState = {};
  for (const event of events) {
    if (event.type === 'IdempotencyKeyReserved') state = { requestHash: event.data.requestHash, reservedAt: event.data.reservedAt };
    else if (event.type === 'IdempotencyKeyReleased') state = {};
    else state = { ...state, answer: { streamName: event.data.streamName, revision: event.data.revision } };
  }
  return state;
}

/**
 * What a request with a key already in the log gets:
 * - `replay`: the same request was answered: answer again from that stream and revision;
 * - `reused`: the key was used for another request (422);
 * - `inFlight`: the same request is still running elsewhere (409, retry shortly);
 * - `takeOver`: the key was released (its request was refused), or a reservation older than
 *   `abandonAfterMs` was never answered and no write carries the key (`written` false: its request died
 *   before writing): this request reserves it again and runs.
 */
export type IdempotencyKeyDecision =
  | { outcome: 'replay'; streamName: string; revision: number }
  | { outcome: 'reused' }
  | { outcome: 'inFlight' }
  | { outcome: 'takeOver' };

export function decideIdempotencyKey(
  state: IdempotencyKeyState,
  requestHash: string,
  now: Date,
  abandonAfterMs: number,
  written: boolean,
): IdempotencyKeyDecision {
  if (state.requestHash === undefined) return { outcome: 'takeOver' };
  if (state.requestHash !== requestHash) return { outcome: 'reused' };
  if (state.answer) return { outcome: 'replay', ...state.answer };
  const age = now.getTime() - Date.parse(state.reservedAt ?? '');
  if (!written && age >= abandonAfterMs) return { outcome: 'takeOver' };
  return { outcome: 'inFlight' };
}
