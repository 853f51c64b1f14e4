import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { LedgerError } from '@tax-ledger/ledger';
import { type CalculationKey, type CalculationListFilter } from '@tax-ledger/calculations';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';

export class GetCalculationQuery {
  constructor(readonly key: CalculationKey) {}
}
export class ListCalculationsQuery {
  constructor(readonly accountId: string, readonly filter: CalculationListFilter) {}
}

@QueryHandler(GetCalculationQuery)
export class GetCalculationHandler implements IQueryHandler<GetCalculationQuery> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}
  execute({ key }: GetCalculationQuery) {
    return this.readStore.getCalculation(key);
  }
}

@QueryHandler(ListCalculationsQuery)
export class ListCalculationsHandler implements IQueryHandler<ListCalculationsQuery> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}
  async execute({ accountId, filter }: ListCalculationsQuery) {
    // A company of another account (or none) is a 404, as for the transaction lists.
    if (!(await this.readStore.getCompany(accountId, filter.companyCode))) {
      throw new LedgerError('CompanyNotFound', `Company "${filter.companyCode}" does not exist in this account.`, 'not_found', 'companyCode');
    }
    return this.readStore.listCalculations(accountId, filter);
  }
}

export const CALCULATION_QUERY_HANDLERS = [GetCalculationHandler, ListCalculationsHandler];
