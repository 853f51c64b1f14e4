import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  accountStreamName,
  evolveAccount,
  initialAccount,
  issueLicenseKey,
  provisionAccount,
  type AccountEvent,
  type CredentialRole,
} from '@tax-ledger/ledger';
import { EVENT_STORE, type EventMetadata, type EventStore } from '@tax-ledger/event-store';
import { randomUUID } from 'node:crypto';
import { generateLicenseKey, hashLicenseKey } from '../auth/license-key';
import { WAIT_FOR_PROJECTION, type WaitForProjection } from '../storage/tokens';

export class ProvisionAccountCommand {
  constructor(
    readonly accountName: string,
    readonly company: { companyCode: string; companyName: string; defaultCurrency: string },
    readonly metadata: EventMetadata,
  ) {}
}

export class IssueLicenseKeyCommand {
  constructor(readonly accountId: string, readonly role: CredentialRole, readonly label: string | undefined, readonly metadata: EventMetadata) {}
}

/** The one place a license key exists in clear: returned to the caller once, never stored or logged. */
export interface IssuedCredential {
  accountId: string;
  credentialId: string;
  role: CredentialRole;
  licenseKey: string;
}

@CommandHandler(ProvisionAccountCommand)
export class ProvisionAccountHandler implements ICommandHandler<ProvisionAccountCommand, IssuedCredential> {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(WAIT_FOR_PROJECTION) private readonly waitForProjection: WaitForProjection,
  ) {}

  async execute({ accountName, company, metadata }: ProvisionAccountCommand): Promise<IssuedCredential> {
    const accountId = randomUUID();
    const credentialId = randomUUID();
    const licenseKey = generateLicenseKey();
    const events = provisionAccount(initialAccount, {
      accountId,
      accountName,
      company,
      credential: { credentialId, keyHash: await hashLicenseKey(licenseKey), role: 'account_admin' },
    });
    const { lastGlobalPosition } = await this.eventStore.append(accountStreamName(accountId), events.map((e) => ({ ...e, metadata })), {
      expectedRevision: 'no_stream',
    });
    await this.waitForProjection(lastGlobalPosition); // the new key works on the very next call
    return { accountId, credentialId, role: 'account_admin', licenseKey };
  }
}

@CommandHandler(IssueLicenseKeyCommand)
export class IssueLicenseKeyHandler implements ICommandHandler<IssueLicenseKeyCommand, IssuedCredential> {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(WAIT_FOR_PROJECTION) private readonly waitForProjection: WaitForProjection,
  ) {}

  async execute({ accountId, role, label, metadata }: IssueLicenseKeyCommand): Promise<IssuedCredential> {
    const stream = accountStreamName(accountId);
    const history = await this.eventStore.readStream(stream);
    const account = (history as unknown as AccountEvent[]).reduce(evolveAccount, initialAccount);
    const credentialId = randomUUID();
    const licenseKey = generateLicenseKey();
    const events = issueLicenseKey(account, { accountId, credentialId, keyHash: await hashLicenseKey(licenseKey), role, ...(label ? { label } : {}) });
    const { lastGlobalPosition } = await this.eventStore.append(stream, events.map((e) => ({ ...e, metadata })), {
      expectedRevision: history.length - 1,
    });
    await this.waitForProjection(lastGlobalPosition);
    return { accountId, credentialId, role, licenseKey };
  }
}
