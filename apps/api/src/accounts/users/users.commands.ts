import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { changeUserPassword, disableUser, foldUser, type User, type UserEvent, userStreamName } from '@tax-ledger/accounts';
import { EVENT_STORE, type EventMetadata, type EventStore } from '@tax-ledger/platform';
import { CredentialVerifier } from '../../auth/credential-verifier';
import { generateSecret, hashSecret } from '../../auth/license-key';
import { decideAndAppend } from '../../common/decide-and-append';
import { WAIT_FOR_PROJECTION, type WaitForProjection } from '../../storage/tokens';

/** POST /users/{username}/password: a new password (generated when none is given). */
export class ChangeUserPasswordCommand {
  constructor(readonly accountId: string, readonly username: string, readonly password: string | undefined, readonly metadata: EventMetadata) {}
}

/** DELETE /users/{username}: the user authenticates no more. */
export class DisableUserCommand {
  constructor(readonly accountId: string, readonly username: string, readonly reason: string | undefined, readonly metadata: EventMetadata) {}
}

export interface ChangedPassword {
  username: string;
  userId: string;
  /** Only when the server generated it: shown once. */
  password?: string;
}

/** Load the user's stream, decide, append under the expected revision; the verifier forgets the user's cached logins. */
async function changeUser(
  eventStore: EventStore,
  waitForProjection: WaitForProjection,
  verifier: CredentialVerifier,
  username: string,
  decide: (user: User) => UserEvent[],
  metadata: EventMetadata,
): Promise<UserEvent> {
  const { appended, result } = await decideAndAppend(eventStore, userStreamName(username), foldUser, decide, metadata);
  const event = appended[0] as unknown as UserEvent;
  verifier.forget(`user:${event.data.userId}`);
  await waitForProjection(result.lastGlobalPosition);
  return event;
}

@CommandHandler(ChangeUserPasswordCommand)
export class ChangeUserPasswordHandler implements ICommandHandler<ChangeUserPasswordCommand, ChangedPassword> {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(WAIT_FOR_PROJECTION) private readonly waitForProjection: WaitForProjection,
    private readonly verifier: CredentialVerifier,
  ) {}

  async execute({ accountId, username, password, metadata }: ChangeUserPasswordCommand): Promise<ChangedPassword> {
    const generated = password === undefined ? generateSecret() : undefined;
    const passwordHash = await hashSecret(password ?? generated!);
    const event = await changeUser(this.eventStore, this.waitForProjection, this.verifier, username, (user) => changeUserPassword(user, { accountId, username, passwordHash }), metadata);
    return { username: event.data.username, userId: event.data.userId, ...(generated ? { password: generated } : {}) };
  }
}

@CommandHandler(DisableUserCommand)
export class DisableUserHandler implements ICommandHandler<DisableUserCommand, void> {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(WAIT_FOR_PROJECTION) private readonly waitForProjection: WaitForProjection,
    private readonly verifier: CredentialVerifier,
  ) {}

  async execute({ accountId, username, reason, metadata }: DisableUserCommand): Promise<void> {
    await changeUser(this.eventStore, this.waitForProjection, this.verifier, username, (user) => disableUser(user, { accountId, username, reason }), metadata);
  }
}

export const USER_COMMAND_HANDLERS = [ChangeUserPasswordHandler, DisableUserHandler];
