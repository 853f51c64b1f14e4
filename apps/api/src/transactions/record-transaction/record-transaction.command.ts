import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { transactionNotFound } from '@tax-ledger/ledger';
import type { EventMetadata } from '@tax-ledger/platform';
import type { TaxDocument } from '@tax-ledger/tax-engine';
import type { TransactionKey, TransactionView } from '@tax-ledger/transactions';
import { badRequest } from '../../common/api-error';
import { RecordDocumentVersion } from '../../document-write/record-document-version';
import type { CommandOptions } from '../../document-write/tax-transaction.repository';

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

@CommandHandler(RecordTransactionCommand)
export class RecordTransactionHandler implements ICommandHandler<RecordTransactionCommand, { view: TransactionView; created: boolean }> {
  constructor(private readonly versions: RecordDocumentVersion) {}

  async execute({ key, document, intent, metadata, options, strict }: RecordTransactionCommand) {
    // Without the company the document cannot exist either: PUT on it is simply not found.
    const company = await this.versions.companyOf(key.accountId, key.companyCode, () =>
      intent === 'revise'
        ? transactionNotFound(key.documentCode)
        : badRequest('CompanyNotFound', `Company "${key.companyCode}" does not exist in this account.`, 'header.companyCode'),
    );
    return this.versions.recordTransaction(key, this.versions.calculate(document, company, { strict }), metadata, { intent, options });
  }
}
