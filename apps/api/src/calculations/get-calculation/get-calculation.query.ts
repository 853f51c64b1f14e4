import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { CalculationKey } from '@tax-ledger/calculations';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';

/** The latest version of a tax calculation record (null when absent). */
export class GetCalculationQuery {
  constructor(readonly key: CalculationKey) {}
}

@QueryHandler(GetCalculationQuery)
export class GetCalculationHandler implements IQueryHandler<GetCalculationQuery> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}
  execute({ key }: GetCalculationQuery) {
    return this.readStore.getCalculation(key);
  }
}
