import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  type CompanyCommand,
  type CompanyEvent,
  companyExists,
  type CompanyIdReserved,
  companyIdStreamName,
  type CompanyLocation,
  type CompanyState,
  companyStreamName,
  decideCompany,
  evolveCompany,
  initialCompany,
} from '@tax-ledger/companies';
import {
  EVENT_STORE,
  type EventMetadata,
  type EventStore,
  type RecordedEvent,
  WrongExpectedRevisionError,
} from '@tax-ledger/platform';
import type { TaxContent } from '@tax-ledger/tax-engine';
import { createHash } from 'node:crypto';
import { decideAndAppend } from '../common/decide-and-append';
import { TAX_CONTENT, WAIT_FOR_PROJECTION, type WaitForProjection } from '../storage/tokens';
import { nexusChoice, nexusForAddresses } from '../company-setup/nexus';

/** Create a company (with its first location and nexus for every jurisdiction that location's address triggers). */
export class CreateCompanyCommand {
  constructor(
    readonly accountId: string,
    readonly company: {
      companyCode: string;
      companyName: string;
      defaultCurrency: string;
      location?: Omit<CompanyLocation, 'id'>;
      /** Start of the address nexus; null: all dates. */
      nexusEffectiveDate?: string | null;
    },
    readonly metadata: EventMetadata,
  ) {}
}

/** Any change to an existing company's setup (see CompanyCommand in libs/ledger). */
export class ChangeCompanyCommand {
  constructor(
    readonly accountId: string,
    readonly companyCode: string,
    readonly change: CompanyCommand,
    readonly metadata: EventMetadata,
  ) {}
}

/** What a company command returns: the company after the change, and the events it caused. */
export interface CompanyResult {
  company: CompanyState;
  events: CompanyEvent[];
}

const MAX_COMPANY_ID = 2 ** 31 - 1; // AvaTax company ids are 32-bit integers

const fold = (events: RecordedEvent[]) =>
  events.reduce((s, e) => evolveCompany(s, e as unknown as CompanyEvent, e.metadata.occurredAt), initialCompany);

/**
 * Load, decide, append with the expected revision; a lost race is decided again on the new state
 * (see decideAndAppend). Resolves once read models include the change.
 */
async function changeCompany(
  eventStore: EventStore,
  waitForProjection: WaitForProjection,
  accountId: string,
  companyCode: string,
  decide: (state: CompanyState) => CompanyCommand,
  metadata: EventMetadata,
): Promise<CompanyResult> {
  const { history, appended, result } = await decideAndAppend(
    eventStore,
    companyStreamName(accountId, companyCode),
    fold,
    (current) => decideCompany(current, decide(current), { accountId, companyCode }),
    metadata,
  );
  await waitForProjection(result.lastGlobalPosition);
  const events = appended.map((e) => ({ type: e.type, data: e.data }) as unknown as CompanyEvent);
  return { company: fold([...history, ...appended]), events };
}

/** The company in its stream now (`exists: false` when there is none). */
export async function readCompany(eventStore: EventStore, accountId: string, companyCode: string): Promise<CompanyState> {
  return fold(await eventStore.readStream(companyStreamName(accountId, companyCode)));
}

/**
 * The n-th candidate id of a company: derived from (account, company code, n), so a creation that
 * died after reserving its id finds the same id again when retried (no orphan reservation).
 */
export function companyIdCandidate(accountId: string, companyCode: string, n: number): number {
  const digest = createHash('sha256').update(`${accountId}\n${companyCode}\n${n}`).digest();
  return (digest.readUInt32BE(0) % (MAX_COMPANY_ID - 1)) + 1;
}

/**
 * A 32-bit company id unique across accounts: its own stream appended with no_stream. A reservation
 * this account already holds for this company code (an earlier attempt) is reused.
 */
async function reserveCompanyId(eventStore: EventStore, accountId: string, companyCode: string, metadata: EventMetadata): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const companyId = companyIdCandidate(accountId, companyCode, attempt);
    const event: CompanyIdReserved = { type: 'CompanyIdReserved', data: { companyId, accountId, companyCode } };
    try {
      await eventStore.append(companyIdStreamName(companyId), [{ ...event, metadata }], { expectedRevision: 'no_stream' });
      return companyId;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError) || attempt >= 20) throw error;
      const [held] = await eventStore.readStream(companyIdStreamName(companyId), { maxCount: 1 });
      const holder = held?.data as CompanyIdReserved['data'] | undefined;
      if (holder?.accountId === accountId && holder.companyCode === companyCode) return companyId;
    }
  }
}

@CommandHandler(CreateCompanyCommand)
export class CreateCompanyHandler implements ICommandHandler<CreateCompanyCommand, CompanyResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(WAIT_FOR_PROJECTION) private readonly waitForProjection: WaitForProjection,
    @Inject(TAX_CONTENT) private readonly content: TaxContent,
  ) {}

  async execute({ accountId, company, metadata }: CreateCompanyCommand): Promise<CompanyResult> {
    const existing = await this.eventStore.readStream(companyStreamName(accountId, company.companyCode), { maxCount: 1 });
    // Refused before an id is spent; the append below checks again (no_stream).
    if (existing.length > 0) throw companyExists(company.companyCode);
    const companyId = await reserveCompanyId(this.eventStore, accountId, company.companyCode, metadata);
    const nexus = company.location
      ? nexusForAddresses([company.location.address], this.content, nexusChoice({ effectiveDate: company.nexusEffectiveDate ?? null }))
      : [];
    return changeCompany(
      this.eventStore,
      this.waitForProjection,
      accountId,
      company.companyCode,
      () => ({
        type: 'CreateCompany',
        companyId,
        companyName: company.companyName,
        defaultCurrency: company.defaultCurrency,
        locations: company.location ? [company.location] : [],
        nexus,
      }),
      metadata,
    );
  }
}

@CommandHandler(ChangeCompanyCommand)
export class ChangeCompanyHandler implements ICommandHandler<ChangeCompanyCommand, CompanyResult> {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(WAIT_FOR_PROJECTION) private readonly waitForProjection: WaitForProjection,
  ) {}

  execute({ accountId, companyCode, change, metadata }: ChangeCompanyCommand): Promise<CompanyResult> {
    return changeCompany(this.eventStore, this.waitForProjection, accountId, companyCode, () => change, metadata);
  }
}
