import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { LedgerError, type CalculationKey } from '@tax-ledger/ledger';
import { READ_STORE, type CalculationListFilter, type ReadStore } from '@tax-ledger/read-store';

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
