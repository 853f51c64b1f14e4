import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ActorRole, StateTransition } from '@tax-ledger/ledger';
import type { TransactionKey, TransactionView } from '@tax-ledger/transactions';
import type { EventMetadata } from '@tax-ledger/platform';
import { PeriodLock } from '../../document-write/period-lock';
import { type CommandOptions, TaxTransactionRepository } from '../../document-write/tax-transaction.repository';

/** POST …/{documentCode}/stateTransitions. */
export class ChangeTransactionStateCommand {
  constructor(
    readonly key: TransactionKey,
    readonly transition: StateTransition,
    readonly comment: string | undefined,
    /** Who asks; the ledger allows each transition to some roles only (libs/ledger/src/permissions.ts). */
    readonly actorRole: ActorRole,
    readonly metadata: EventMetadata,
    readonly options: CommandOptions = {},
  ) {}
}

@CommandHandler(ChangeTransactionStateCommand)
export class ChangeTransactionStateHandler implements ICommandHandler<ChangeTransactionStateCommand, { view: TransactionView }> {
  constructor(
    private readonly transactions: TaxTransactionRepository,
    private readonly periodLock: PeriodLock,
  ) {}

  async execute({ key, transition, comment, actorRole, metadata, options }: ChangeTransactionStateCommand) {
    // A document of a reconciled / filed period changes only through the period's own run (reopen first),
    // except Avalara filing a document of a reconciled period: that is what reconciling prepares for.
    await this.periodLock.assertStateChangeAllowed(key, { exceptRunId: options.periodRunId, filingByAvalara: transition === 'FiledByAvalara' });
    return this.transactions.handle(
      key,
      metadata,
      () => ({ type: 'ChangeTransactionState', data: { key, transition, comment, actorRole } }),
      options,
    );
  }
}
