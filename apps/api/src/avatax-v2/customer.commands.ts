import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  type CustomerCommand,
  type CustomerKey,
  customerStreamName,
  type CustomerView,
  decideCustomer,
  foldCustomer,
  projectCustomer,
} from '@tax-ledger/customers';
import { EVENT_STORE, type EventMetadata, type EventStore } from '@tax-ledger/platform';
import { decideAndAppend } from '../common/decide-and-append';
import { WAIT_FOR_PROJECTION, type WaitForProjection } from '../storage/tokens';

/** Create or update one customer (libs/ledger customer decider, one stream per customer). */
export class ChangeCustomerCommand {
  constructor(
    readonly key: CustomerKey,
    readonly change: CustomerCommand,
    readonly metadata: EventMetadata,
  ) {}
}

@CommandHandler(ChangeCustomerCommand)
export class ChangeCustomerHandler implements ICommandHandler<ChangeCustomerCommand, CustomerView> {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(WAIT_FOR_PROJECTION) private readonly waitForProjection: WaitForProjection,
  ) {}

  /**
   * Decide and append (a lost race decides again); the answer is the customer folded from its own stream
   * with the read model's projection, and goes out once the read model has the change (a GET right after
   * sees it).
   */
  async execute({ key, change, metadata }: ChangeCustomerCommand): Promise<CustomerView> {
    const { history, appended, result } = await decideAndAppend(this.eventStore, customerStreamName(key), foldCustomer, (state) => decideCustomer(state, change, key), metadata);
    await this.waitForProjection(result.lastGlobalPosition);
    return [...history, ...appended].reduce<CustomerView | null>(projectCustomer, null)!;
  }
}

export const CUSTOMER_COMMAND_HANDLERS = [ChangeCustomerHandler];
