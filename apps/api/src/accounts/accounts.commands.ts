import { decideAndAppend } from '../common/decide-and-append';
import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  type Account,
  type AccountEvent,
  accountStreamName,
  evolveAccount,
  initialAccount,
  issueLicenseKey,
  provisionAccount,
  revokeLicenseKey,
  rotateLicenseKey,
  type UserCreated,
  userStreamName,
} from '@tax-ledger/accounts';
import { type CredentialRole, LedgerError } from '@tax-ledger/ledger';
import { type CompanyLocation } from '@tax-ledger/companies';
import { EVENT_STORE, type EventMetadata, type EventStore, WrongExpectedRevisionError } from '@tax-ledger/platform';
import { randomUUID } from 'node:crypto';
import { CredentialVerifier } from '../auth/credential-verifier';
import { generateSecret, hashSecret, newLicenseKey } from '../auth/license-key';
import { type CompanyResult, CreateCompanyCommand } from '../onboarding/company.commands';
import { WAIT_FOR_PROJECTION, type WaitForProjection } from '../storage/tokens';

export interface NewAdminUser {
  username: string;
  /** Absent: one is generated and returned once. */
  password?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
}

/** POST /accounts: account, admin license key, admin user, default company with one location and its nexus. */
export class ProvisionAccountCommand {
  constructor(
    readonly accountName: string,
    readonly company: {
      companyCode: string;
      companyName: string;
      defaultCurrency: string;
      location?: Omit<CompanyLocation, 'id'>;
      nexusEffectiveDate?: string | null;
    },
    readonly metadata: EventMetadata,
    /** Absent: "admin-<first 8 characters of the account id>" with a generated password. */
    readonly user?: Partial<NewAdminUser>,
  ) {}
}

export class IssueLicenseKeyCommand {
  constructor(readonly accountId: string, readonly role: CredentialRole, readonly label: string | undefined, readonly metadata: EventMetadata) {}
}

export class RevokeLicenseKeyCommand {
  constructor(readonly accountId: string, readonly credentialId: string, readonly reason: string | undefined, readonly metadata: EventMetadata) {}
}

export class RotateLicenseKeyCommand {
  constructor(readonly accountId: string, readonly credentialId: string, readonly metadata: EventMetadata) {}
}

/** The one place a license key exists in clear: returned to the caller once, never stored or logged. */
export interface IssuedCredential {
  accountId: string;
  credentialId: string;
  role: CredentialRole;
  licenseKey: string;
}

export interface ProvisionedAccount extends IssuedCredential {
  username: string;
  /** Only when the server generated it: shown once, like the key. */
  userPassword?: string;
  company: CompanyResult['company'];
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

@CommandHandler(ProvisionAccountCommand)
export class ProvisionAccountHandler implements ICommandHandler<ProvisionAccountCommand, ProvisionedAccount> {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(WAIT_FOR_PROJECTION) private readonly waitForProjection: WaitForProjection,
    private readonly commands: CommandBus,
  ) {}

  async execute({ accountName, company, metadata, user }: ProvisionAccountCommand): Promise<ProvisionedAccount> {
    const accountId = randomUUID();
    const credentialId = randomUUID();
    const username = (user?.username ?? user?.email ?? `admin-${accountId.slice(0, 8)}`).toLowerCase();
    const generatedPassword = user?.password ? undefined : generateSecret();
    const password = user?.password ?? generatedPassword!;

    // The username first: its stream is appended with no_stream, so a taken name stops everything here.
    const userCreated: UserCreated = {
      type: 'UserCreated',
      data: {
        accountId,
        userId: randomUUID(),
        username,
        passwordHash: await hashSecret(password),
        role: 'account_admin',
        ...(user?.email ? { email: user.email } : {}),
        ...(user?.firstName ? { firstName: user.firstName } : {}),
        ...(user?.lastName ? { lastName: user.lastName } : {}),
      },
    };
    try {
      await this.eventStore.append(userStreamName(username), [{ ...userCreated, metadata }], { expectedRevision: 'no_stream' });
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) {
        throw new LedgerError('UsernameTaken', 'This username is already in use; choose another.', 'conflict', 'username');
      }
      throw error;
    }
    const { licenseKey, keyHash } = await newLicenseKey(credentialId);
    await changeAccount(this.eventStore, this.waitForProjection, accountId, (account) =>
      provisionAccount(account, { accountId, accountName, credential: { credentialId, keyHash, role: 'account_admin' } }),
      metadata,
    );
    const created: CompanyResult = await this.commands.execute(new CreateCompanyCommand(accountId, company, metadata));
    return {
      accountId,
      credentialId,
      role: 'account_admin',
      licenseKey,
      username,
      ...(generatedPassword ? { userPassword: generatedPassword } : {}),
      company: created.company,
    };
  }
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
