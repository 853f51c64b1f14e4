import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { companyNotFound } from '@tax-ledger/companies';
import { type TransactionKey, type TransactionListFilter } from '@tax-ledger/transactions';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';

export class GetTransactionQuery {
  constructor(readonly key: TransactionKey) {}
}
export class ListTransactionsQuery {
  constructor(readonly accountId: string, readonly filter: TransactionListFilter) {}
}
export class ListTransactionVersionsQuery {
  constructor(readonly key: TransactionKey) {}
}
export class GetTransactionVersionQuery {
  constructor(readonly key: TransactionKey, readonly version: number) {}
}

@QueryHandler(GetTransactionQuery)
export class GetTransactionHandler implements IQueryHandler<GetTransactionQuery> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}
  execute({ key }: GetTransactionQuery) {
    return this.readStore.getTransaction(key);
  }
}

@QueryHandler(ListTransactionsQuery)
export class ListTransactionsHandler implements IQueryHandler<ListTransactionsQuery> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}
  async execute({ accountId, filter }: ListTransactionsQuery) {
    // A company of another account (or none) is a 404, like any other resource outside the caller's account.
    if (!(await this.readStore.getCompany(accountId, filter.companyCode))) throw companyNotFound(filter.companyCode);
    return this.readStore.listTransactions(accountId, filter);
  }
}

@QueryHandler(ListTransactionVersionsQuery)
export class ListTransactionVersionsHandler implements IQueryHandler<ListTransactionVersionsQuery> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}
  execute({ key }: ListTransactionVersionsQuery) {
    return this.readStore.listTransactionVersions(key);
  }
}

@QueryHandler(GetTransactionVersionQuery)
export class GetTransactionVersionHandler implements IQueryHandler<GetTransactionVersionQuery> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}
  execute({ key, version }: GetTransactionVersionQuery) {
    return this.readStore.getTransactionVersion(key, version);
  }
}

export const TRANSACTION_QUERY_HANDLERS = [
  GetTransactionHandler,
  ListTransactionsHandler,
  ListTransactionVersionsHandler,
  GetTransactionVersionHandler,
];
