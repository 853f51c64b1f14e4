import { accountStreamName, foldProvisioning, foldUser, provisioningAccountEvents, provisioningStreamName, provisioningSuperseded, provisioningUserEvents, userStreamName, usernameTaken, type Provisioning, type ProvisioningAttempt, type ProvisioningEvent, type ProvisioningPlan } from '@tax-ledger/accounts';
import { LedgerError } from '@tax-ledger/ledger';
import { type CompanyState } from '@tax-ledger/companies';
import { WrongExpectedRevisionError, type EventMetadata, type EventStore, type RecordedEvent } from '@tax-ledger/platform';
import { randomUUID } from 'node:crypto';
import { generateSecret, hashSecret, newLicenseKey } from '../../auth/license-key';
import { MAX_ATTEMPTS } from '../../common/decide-and-append';
import { ApiError } from '../../common/api-error';

/** What one attempt knows in clear and shows once: the key, and the password when the server made it. */
export interface AttemptSecrets {
  attempt: ProvisioningAttempt;
  licenseKey: string;
  generatedPassword?: string;
}

export type ProvisioningOutcome =
  | { kind: 'completed'; plan: ProvisioningPlan; secrets: AttemptSecrets; company: CompanyState }
  /** An earlier request with this key completed it: its secrets were in that answer only. */
  | { kind: 'replayed'; plan: ProvisioningPlan; credentialId: string; company: CompanyState };

export interface ProvisioningSteps {
  eventStore: EventStore;
  /** Creates the plan's company (its id reserved resumably) unless it exists; the company as stored. */
  createCompany(plan: ProvisioningPlan, metadata: EventMetadata): Promise<CompanyState>;
  readCompany(plan: ProvisioningPlan): Promise<CompanyState>;
  waitForProjection(position: number): Promise<void>;
}

export async function newAttempt(password: string | undefined): Promise<AttemptSecrets> {
  const credentialId = randomUUID();
  const { licenseKey, keyHash } = await newLicenseKey(credentialId);
  const generatedPassword = password === undefined ? generateSecret() : undefined;
  const passwordHash = await hashSecret(password ?? generatedPassword!);
  return { attempt: { credentialId, keyHash, passwordHash }, licenseKey, ...(generatedPassword ? { generatedPassword } : {}) };
}

/**
 * Read a stream, decide on its history, append what was decided under the expected revision (nothing
 * when nothing is decided); a lost race decides again. The position of the append, or undefined.
 */
async function decideOn(
  eventStore: EventStore,
  stream: string,
  decide: (history: RecordedEvent[]) => ReadonlyArray<{ type: string; data: unknown }>,
  metadata: EventMetadata,
): Promise<number | undefined> {
  for (let attempt = 1; ; attempt++) {
    const history = await eventStore.readStream(stream);
    const decided = decide(history);
    if (decided.length === 0) return undefined;
    try {
      const result = await eventStore.append(
        stream,
        decided.map((e) => ({ type: e.type, data: e.data, metadata })),
        { expectedRevision: history.length ? history[history.length - 1].revision : 'no_stream' },
      );
      return result.lastGlobalPosition;
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError && attempt < MAX_ATTEMPTS) continue;
      throw error;
    }
  }
}

/**
 * Append to the saga's own stream at exactly `revision` (-1: new): the global position, or undefined
 * when another attempt got there first.
 */
async function appendToSaga(eventStore: EventStore, plan: { provisioningId: string }, event: ProvisioningEvent, revision: number, metadata: EventMetadata) {
  try {
    const result = await eventStore.append(provisioningStreamName(plan.provisioningId), [{ ...event, metadata }], { expectedRevision: revision < 0 ? 'no_stream' : revision });
    return result.lastGlobalPosition;
  } catch (error) {
    if (error instanceof WrongExpectedRevisionError) return undefined;
    throw error;
  }
}

const failure = (failed: NonNullable<Provisioning['failed']>) => new LedgerError(failed.code, failed.message, 'conflict', failed.target);

/**
 * Runs (or resumes, or replays) one provisioning. `plan` is what this request asks; when the saga
 * exists, its recorded plan is used (same ids), after checking that the request is the same.
 */
export async function runProvisioning(steps: ProvisioningSteps, plan: ProvisioningPlan, secrets: AttemptSecrets, metadata: EventMetadata): Promise<ProvisioningOutcome> {
  const { eventStore } = steps;
  const stream = provisioningStreamName(plan.provisioningId);
  let mine = -1;
  let claimedAt = -1;
  for (let tries = 0; mine < 0; tries++) {
    const history = await eventStore.readStream(stream);
    const saga = foldProvisioning(history);
    if (saga.plan === null) {
      // Refused before anything is written when the username is plainly taken; a race is caught at the user step.
      if ((await eventStore.readStream(userStreamName(plan.username), { maxCount: 1 })).length > 0) throw usernameTaken();
      if ((await appendToSaga(eventStore, plan, { type: 'ProvisioningStarted', data: { ...plan, attempt: secrets.attempt } }, -1, metadata)) !== undefined) {
        [mine, claimedAt] = [0, 0];
      } else if (tries > 2) throw provisioningSuperseded();
      continue;
    }
    if (saga.plan.requestHash !== plan.requestHash) {
      throw new ApiError(422, 'IdempotencyKeyReused', 'This Idempotency-Key was already used for a different provisioning request.', 'Idempotency-Key');
    }
    plan = saga.plan;
    if (saga.failed) throw failure(saga.failed);
    if (saga.completed) return { kind: 'replayed', plan, credentialId: saga.completed.credentialId, company: await steps.readCompany(plan) };
    // An attempt that died (or one still running in another process): this one takes over.
    const revision = history[history.length - 1].revision;
    const resumed: ProvisioningEvent = { type: 'ProvisioningResumed', data: { provisioningId: plan.provisioningId, accountId: plan.accountId, attempt: secrets.attempt } };
    if ((await appendToSaga(eventStore, plan, resumed, revision, metadata)) === undefined) throw provisioningSuperseded();
    [mine, claimedAt] = [saga.attempts.length, revision + 1];
  }
  const attempts = foldProvisioning(await eventStore.readStream(stream)).attempts;
  if (attempts[mine]?.credentialId !== secrets.attempt.credentialId) throw provisioningSuperseded();

  try {
    await decideOn(eventStore, userStreamName(plan.username), (h) => provisioningUserEvents(foldUser(h), plan, attempts, mine), metadata);
  } catch (error) {
    if (error instanceof LedgerError && error.code === 'UsernameTaken') {
      const failed: ProvisioningEvent = { type: 'ProvisioningFailed', data: { provisioningId: plan.provisioningId, accountId: plan.accountId, code: error.code, message: error.message, target: error.target } };
      if ((await appendToSaga(eventStore, plan, failed, claimedAt, metadata)) === undefined) throw provisioningSuperseded();
    }
    throw error;
  }
  await decideOn(eventStore, accountStreamName(plan.accountId), (h) => provisioningAccountEvents(h, plan, attempts, mine), metadata);
  const company = await steps.createCompany(plan, metadata);
  const completed: ProvisioningEvent = {
    type: 'ProvisioningCompleted',
    data: { provisioningId: plan.provisioningId, accountId: plan.accountId, credentialId: secrets.attempt.credentialId, companyId: company.companyId ?? 0 },
  };
  const position = await appendToSaga(eventStore, plan, completed, claimedAt, metadata);
  if (position === undefined) throw provisioningSuperseded();
  await steps.waitForProjection(position); // the new key and password work on the very next call
  return { kind: 'completed', plan, secrets, company };
}
