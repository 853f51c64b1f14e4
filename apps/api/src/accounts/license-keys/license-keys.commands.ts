import { decideAndAppend } from '../../common/decide-and-append';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type Account, type AccountEvent, accountStreamName, evolveAccount, initialAccount, issueLicenseKey, revokeLicenseKey, rotateLicenseKey } from '@tax-ledger/accounts';
import type { CredentialRole } from '@tax-ledger/ledger';
import { EVENT_STORE, type EventMetadata, type EventStore } from '@tax-ledger/platform';
import { randomUUID } from 'node:crypto';
import { CredentialVerifier } from '../../auth/credential-verifier';
import { newLicenseKey } from '../../auth/license-key';
import { WAIT_FOR_PROJECTION, type WaitForProjection } from '../../storage/tokens';

export class IssueLicenseKeyCommand {
  constructor(readonly accountId: string, readonly role: CredentialRole, readonly label: string | undefined, readonly metadata: EventMetadata) {}
}

export class RevokeLicenseKeyCommand {
  constructor(readonly accountId: string, readonly credentialId: string, readonly reason: string | undefined, readonly metadata: EventMetadata) {}
}

export class RotateLicenseKeyCommand {
  constructor(readonly accountId: string, readonly credentialId: string, readonly metadata: EventMetadata) {}
}

/** What the answer that carries a new license key says about it. */
export const SHOWN_ONCE = 'Store the license key now: it is shown only in this response and kept only as a hash.';

/** The one place a license key exists in clear: returned to the caller once, never stored or logged. */
export interface IssuedCredential {
  accountId: string;
  credentialId: string;
  role: CredentialRole;
  licenseKey: string;
}

/** Load an account, decide, append under the expected revision, wait for the read models. */
async function changeAccount(
  eventStore: EventStore,
  waitForProjection: WaitForProjection,
  accountId: string,
  decide: (account: Account) => AccountEvent[],
  metadata: EventMetadata,
): Promise<AccountEvent[]> {
  const { appended, result } = await decideAndAppend(
    eventStore,
    accountStreamName(accountId),
    (history) => history.reduce((s, e) => evolveAccount(s, e), initialAccount),
    decide,
    metadata,
  );
  await waitForProjection(result.lastGlobalPosition); // a new key works, a revoked one fails, on the very next call
  return appended.map((e) => ({ type: e.type, data: e.data }) as AccountEvent);
}

@CommandHandler(IssueLicenseKeyCommand)
export class IssueLicenseKeyHandler implements ICommandHandler<IssueLicenseKeyCommand, IssuedCredential> {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(WAIT_FOR_PROJECTION) private readonly waitForProjection: WaitForProjection,
  ) {}

  async execute({ accountId, role, label, metadata }: IssueLicenseKeyCommand): Promise<IssuedCredential> {
    const credentialId = randomUUID();
    const { licenseKey, keyHash } = await newLicenseKey(credentialId);
    await changeAccount(this.eventStore, this.waitForProjection, accountId, (account) =>
      issueLicenseKey(account, { accountId, credentialId, keyHash, role, ...(label ? { label } : {}) }),
      metadata,
    );
    return { accountId, credentialId, role, licenseKey };
  }
}

@CommandHandler(RevokeLicenseKeyCommand)
export class RevokeLicenseKeyHandler implements ICommandHandler<RevokeLicenseKeyCommand, void> {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(WAIT_FOR_PROJECTION) private readonly waitForProjection: WaitForProjection,
    private readonly verifier: CredentialVerifier,
  ) {}

  async execute({ accountId, credentialId, reason, metadata }: RevokeLicenseKeyCommand): Promise<void> {
    await changeAccount(this.eventStore, this.waitForProjection, accountId, (account) =>
      revokeLicenseKey(account, { accountId, credentialId, ...(reason ? { reason } : {}) }),
      metadata,
    );
    this.verifier.forget(credentialId);
  }
}

@CommandHandler(RotateLicenseKeyCommand)
export class RotateLicenseKeyHandler implements ICommandHandler<RotateLicenseKeyCommand, IssuedCredential> {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(WAIT_FOR_PROJECTION) private readonly waitForProjection: WaitForProjection,
    private readonly verifier: CredentialVerifier,
  ) {}

  async execute({ accountId, credentialId, metadata }: RotateLicenseKeyCommand): Promise<IssuedCredential> {
    const newCredentialId = randomUUID();
    const { licenseKey, keyHash } = await newLicenseKey(newCredentialId);
    const events = await changeAccount(this.eventStore, this.waitForProjection, accountId, (account) =>
      rotateLicenseKey(account, { accountId, credentialId, newCredentialId, keyHash }),
      metadata,
    );
    this.verifier.forget(credentialId);
    const issued = events.find((e) => e.type === 'LicenseKeyIssued')!;
    return { accountId, credentialId: newCredentialId, role: (issued.data as { role: CredentialRole }).role, licenseKey };
  }
}
