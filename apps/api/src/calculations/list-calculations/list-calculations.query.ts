import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { CalculationListFilter } from '@tax-ledger/calculations';
import { companyNotFound } from '@tax-ledger/companies';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';

/** A company's tax calculation records matching `filter`, in documentCode order. */
export class ListCalculationsQuery {
  constructor(readonly accountId: string, readonly filter: CalculationListFilter) {}
}

@QueryHandler(ListCalculationsQuery)
export class ListCalculationsHandler implements IQueryHandler<ListCalculationsQuery> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}
  async execute({ accountId, filter }: ListCalculationsQuery) {
    // A company of another account (or none) is a 404, as for the transaction lists.
    if (!(await this.readStore.getCompany(accountId, filter.companyCode))) throw companyNotFound(filter.companyCode);
    return this.readStore.listCalculations(accountId, filter);
  }
}
