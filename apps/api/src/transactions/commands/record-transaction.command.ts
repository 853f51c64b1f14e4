import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { transactionNotFound } from '@tax-ledger/ledger';
import { type TransactionKey, type TransactionView } from '@tax-ledger/transactions';
import type { EventMetadata } from '@tax-ledger/platform';
import type { TaxContent, TaxDocument } from '@tax-ledger/tax-engine';
import { randomUUID } from 'node:crypto';
import { calculateDocument } from '../../document-write/calculate-document';
import { badRequest } from '../../common/api-error';
import { COMPANY_SETUP, type CompanySetupSource } from '../../company-setup/company-setup';
import { PeriodLock } from '../../document-write/period-lock';
import { TAX_CONTENT } from '../../storage/tokens';
import { type CommandOptions, TaxTransactionRepository } from '../../document-write/tax-transaction.repository';

/** POST /transactions (createOrRevise) and PUT on a document (revise): calculate, then record a version. */
export class RecordTransactionCommand {
  constructor(
    readonly key: TransactionKey,
    readonly document: TaxDocument,
    readonly intent: 'createOrRevise' | 'revise',
    readonly metadata: EventMetadata,
    readonly options: CommandOptions = {},
    /** The request's `?strict` (see company-setup/coverage-policy.ts). */
    readonly strict?: boolean,
  ) {}
}

/** A new version id: 32 hex characters, as in the seed's example. */
export const newVersionId = () => randomUUID().replace(/-/g, '');

@CommandHandler(RecordTransactionCommand)
export class RecordTransactionHandler implements ICommandHandler<RecordTransactionCommand, { view: TransactionView; created: boolean }> {
  constructor(
    private readonly transactions: TaxTransactionRepository,
    @Inject(COMPANY_SETUP) private readonly companies: CompanySetupSource,
    @Inject(TAX_CONTENT) private readonly content: TaxContent,
    private readonly periodLock: PeriodLock,
  ) {}

  async execute({ key, document, intent, metadata, options, strict }: RecordTransactionCommand) {
    const company = await this.companies.companySetup(key.accountId, key.companyCode);
    if (!company) {
      // Without the company the document cannot exist either: PUT on it is simply not found.
      if (intent === 'revise') throw transactionNotFound(key.documentCode);
      throw badRequest('CompanyNotFound', `Company "${key.companyCode}" does not exist in this account.`, 'header.companyCode');
    }
    const { calculation, calculationDuration } = calculateDocument(document, company, this.content, { strict });
    await this.periodLock.assertOpen(key, calculation.document);
    return this.transactions.handle(
      key,
      metadata,
      () => ({ type: 'RecordTransaction', data: { key, intent, calculation, versionId: newVersionId(), calculationDuration } }),
      options,
    );
  }
}
