import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventMetadata } from '@tax-ledger/platform';
import type { TransactionKey } from '@tax-ledger/transactions';
import { type CommandOptions, TaxTransactionRepository } from '../../document-write/tax-transaction.repository';

/**
 * REST v2 changecode, second step: an uncommitted Recorded document leaves its code (the caller has
 * recorded it under `newCode` first). No route of its own: TNG documents are not renamed.
 */
export class RenameTransactionCommand {
  constructor(
    readonly key: TransactionKey,
    readonly newCode: string,
    readonly metadata: EventMetadata,
    readonly options: CommandOptions = {},
  ) {}
}

@CommandHandler(RenameTransactionCommand)
export class RenameTransactionHandler implements ICommandHandler<RenameTransactionCommand, void> {
  constructor(private readonly transactions: TaxTransactionRepository) {}

  execute({ key, newCode, metadata, options }: RenameTransactionCommand): Promise<void> {
    // Only uncommitted documents are renamed (the decider refuses others): they are in no filing, so no period lock applies.
    return this.transactions.rename(key, newCode, metadata, options);
  }
}
