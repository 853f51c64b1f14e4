import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  type AvataxVersionInfo,
  type FlagTransaction,
  type LockTransaction,
  type TransactionKey,
  type TransactionView,
} from '@tax-ledger/transactions';
import type { CalculationKey, CalculationView } from '@tax-ledger/calculations';
import type { EventMetadata } from '@tax-ledger/platform';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import type { CalculationResult, TaxDocument } from '@tax-ledger/tax-engine';
import { ApiError } from '../common/api-error';
import { PeriodLock } from '../document-write/period-lock';
import { type CalculatedVersion, RecordDocumentVersion } from '../document-write/record-document-version';
import { type CommandOptions, TaxTransactionRepository } from '../document-write/tax-transaction.repository';
import { withCustomerTaxId } from './customer-tax-id';

/**
 * Keep a v2 `*Order` document (SalesOrder, ReturnOrder, PurchaseOrder, …) as a TNG calculation under its
 * code: a new version of that calculation each time (docs/avatax-v2.md "Orders").
 */
export class RecordV2OrderCommand {
  constructor(
    readonly key: CalculationKey,
    readonly document: TaxDocument,
    readonly metadata: EventMetadata,
    readonly strict?: boolean,
  ) {}
}

/** Record a v2 document (create, createoradjust, adjust, refund) as a TaxTransaction version. */
export class RecordV2TransactionCommand {
  constructor(
    readonly key: TransactionKey,
    readonly document: TaxDocument,
    readonly intent: 'create' | 'createOrRevise' | 'revise',
    readonly committed: boolean,
    readonly avatax: AvataxVersionInfo,
    readonly metadata: EventMetadata,
    /** A calculation already made (changecode keeps what was charged); calculated now when absent. */
    readonly calculation?: { result: CalculationResult; duration: number },
    /** The request's `?strict` (see company-setup/coverage-policy.ts). */
    readonly strict?: boolean,
    /** If-Match: lines/add and lines/delete edit the version they read. */
    readonly options: CommandOptions = {},
  ) {}
}

/** commit / uncommit / verify / lock of a stored document. */
export class ChangeV2TransactionCommand {
  constructor(
    readonly key: TransactionKey,
    readonly change: FlagTransaction | LockTransaction,
    readonly metadata: EventMetadata,
    readonly options: CommandOptions = {},
  ) {}
}

/** v2 calculation: the company (404 EntityNotFoundError when not in the account), the customer's tax id, the engine. */
export async function calculate(versions: RecordDocumentVersion, readStore: ReadStore, accountId: string, given: TaxDocument, strict: boolean | undefined): Promise<CalculatedVersion> {
  const companyCode = given.header.companyCode;
  const company = await versions.companyOf(accountId, companyCode, () =>
    new ApiError(404, 'EntityNotFoundError', `Company "${companyCode}" does not exist in this account.`, 'companyCode'),
  );
  // The customer's tax identifier when the document has none (VAT reverse charge; customer-tax-id.ts).
  const customerCode = given.header.customerCode;
  const document = customerCode ? withCustomerTaxId(given, await readStore.getCustomer(accountId, companyCode, customerCode)) : given;
  // v2 documents are calculated as given (no latlong filled in), as before.
  return versions.calculate(document, company, { strict, latLong: false });
}

@CommandHandler(RecordV2OrderCommand)
export class RecordV2OrderHandler implements ICommandHandler<RecordV2OrderCommand, { view: CalculationView; created: boolean }> {
  constructor(
    private readonly versions: RecordDocumentVersion,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  async execute({ key, document, metadata, strict }: RecordV2OrderCommand) {
    const version = await calculate(this.versions, this.readStore, key.accountId, document, strict);
    return this.versions.recordCalculation(key, version, metadata);
  }
}

@CommandHandler(RecordV2TransactionCommand)
export class RecordV2TransactionHandler implements ICommandHandler<RecordV2TransactionCommand, { view: TransactionView; created: boolean }> {
  constructor(
    private readonly versions: RecordDocumentVersion,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  async execute({ key, document, intent, committed, avatax, metadata, calculation: given, strict, options }: RecordV2TransactionCommand) {
    const version = given
      ? { calculation: given.result, calculationDuration: given.duration }
      : await calculate(this.versions, this.readStore, key.accountId, document, strict);
    // Saved (uncommitted) documents stay outside periods; a committed one may not land in a closed period.
    return this.versions.recordTransaction(key, version, metadata, { intent, committed, avatax, options });
  }
}

@CommandHandler(ChangeV2TransactionCommand)
export class ChangeV2TransactionHandler implements ICommandHandler<ChangeV2TransactionCommand, { view: TransactionView }> {
  constructor(
    private readonly transactions: TaxTransactionRepository,
    private readonly periodLock: PeriodLock,
  ) {}

  async execute({ key, change, metadata, options }: ChangeV2TransactionCommand) {
    // Verify changes no amount and no state that counts; commit, uncommit and lock change what a period holds.
    if (change.type === 'LockTransaction' || change.data.flag !== 'Verify') {
      await this.periodLock.assertStateChangeAllowed(key, { exceptRunId: options.periodRunId, committing: change.type === 'FlagTransaction' && change.data.flag === 'Commit' });
    }
    return this.transactions.handle(key, metadata, () => change, options);
  }
}

export const AVATAX_V2_COMMAND_HANDLERS = [RecordV2OrderHandler, RecordV2TransactionHandler, ChangeV2TransactionHandler];
