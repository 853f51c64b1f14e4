import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ProvisioningPlan } from '@tax-ledger/accounts';
import { LedgerError, type CredentialRole } from '@tax-ledger/ledger';
import { EVENT_STORE, type EventMetadata, type EventStore } from '@tax-ledger/platform';
import { randomUUID } from 'node:crypto';
import { CreateCompanyCommand, readCompany, type CompanyResult } from '../../onboarding/company.commands';
import { newAttempt, runProvisioning, type ProvisioningSteps } from './provisioning.saga';
import { WAIT_FOR_PROJECTION, type WaitForProjection } from '../../storage/tokens';

export interface NewAdminUser {
  username: string;
  /** Absent: one is generated and returned once. */
  password?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
}

/**
 * POST /accounts: account, admin license key, admin user, default company with one location and its
 * nexus, as a resumable saga (provisioning.saga.ts) identified by `provisioningId`.
 */
export class ProvisionAccountCommand {
  constructor(
    readonly accountName: string,
    readonly company: ProvisioningPlan['company'],
    readonly metadata: EventMetadata,
    /** Absent: "admin-<first 8 characters of the account id>" with a generated password. */
    readonly user?: Partial<NewAdminUser>,
    /** Derived from the partner's Idempotency-Key (a retry resumes it), else random. */
    readonly provisioningId: string = randomUUID(),
    /** What the request asks (idempotentRequest's hash): a retry with the same key must ask the same. */
    readonly requestHash = '',
  ) {}
}

export interface ProvisionedAccount {
  accountId: string;
  credentialId: string;
  role: CredentialRole;
  /** Absent when an earlier request with the same Idempotency-Key completed it (shown in that answer only). */
  licenseKey?: string;
  username: string;
  /** Only when the server generated it: shown once, like the key. */
  userPassword?: string;
  company: CompanyResult['company'];
  /** This answer replays a provisioning an earlier request completed. */
  replayed: boolean;
}

@CommandHandler(ProvisionAccountCommand)
export class ProvisionAccountHandler implements ICommandHandler<ProvisionAccountCommand, ProvisionedAccount> {
  /** Requests of this process with the same provisioning id run one after the other (the second replays the first). */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(WAIT_FOR_PROJECTION) private readonly waitForProjection: WaitForProjection,
    private readonly commands: CommandBus,
  ) {}

  async execute(command: ProvisionAccountCommand): Promise<ProvisionedAccount> {
    const id = command.provisioningId;
    const previous = this.inFlight.get(id) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.provision(command));
    this.inFlight.set(id, run);
    try {
      return await run;
    } finally {
      if (this.inFlight.get(id) === run) this.inFlight.delete(id);
    }
  }

  private async provision({ accountName, company, metadata, user, provisioningId, requestHash }: ProvisionAccountCommand): Promise<ProvisionedAccount> {
    const accountId = randomUUID();
    const plan: ProvisioningPlan = {
      provisioningId,
      requestHash,
      accountId,
      accountName,
      userId: randomUUID(),
      username: (user?.username ?? user?.email ?? `admin-${accountId.slice(0, 8)}`).toLowerCase(),
      passwordGenerated: !user?.password,
      ...(user?.email ? { email: user.email } : {}),
      ...(user?.firstName ? { firstName: user.firstName } : {}),
      ...(user?.lastName ? { lastName: user.lastName } : {}),
      company,
    };
    const steps: ProvisioningSteps = {
      eventStore: this.eventStore,
      waitForProjection: this.waitForProjection,
      readCompany: (p) => readCompany(this.eventStore, p.accountId, p.company.companyCode),
      createCompany: async (p, meta) => {
        const existing = await readCompany(this.eventStore, p.accountId, p.company.companyCode);
        if (existing.exists) return existing;
        try {
          return ((await this.commands.execute(new CreateCompanyCommand(p.accountId, p.company, meta))) as CompanyResult).company;
        } catch (error) {
          if (error instanceof LedgerError && error.code === 'CompanyExists') return readCompany(this.eventStore, p.accountId, p.company.companyCode);
          throw error;
        }
      },
    };
    const outcome = await runProvisioning(steps, plan, await newAttempt(user?.password), { ...metadata, provisioningId });
    const { plan: done } = outcome;
    const common = { accountId: done.accountId, role: 'account_admin' as const, username: done.username, company: outcome.company };
    if (outcome.kind === 'replayed') return { ...common, credentialId: outcome.credentialId, replayed: true };
    const { secrets } = outcome;
    return {
      ...common,
      credentialId: secrets.attempt.credentialId,
      licenseKey: secrets.licenseKey,
      ...(secrets.generatedPassword ? { userPassword: secrets.generatedPassword } : {}),
      replayed: false,
    };
  }
}
