import { Inject } from '@nestjs/common';
import { type IQueryHandler, type QueryBus, QueryHandler } from '@nestjs/cqrs';
import { transactionNotFound } from '@tax-ledger/ledger';
import type { TransactionKey, TransactionView } from '@tax-ledger/transactions';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';

/** The latest version of a tax transaction record (null when absent). */
export class GetTransactionQuery {
  constructor(readonly key: TransactionKey) {}
}
/** One version of a tax transaction record (null when absent). */
export class GetTransactionVersionQuery {
  constructor(readonly key: TransactionKey, readonly version: number) {}
}
/** Every version of a tax transaction record, oldest first. */
export class ListTransactionVersionsQuery {
  constructor(readonly key: TransactionKey) {}
}

@QueryHandler(GetTransactionQuery)
export class GetTransactionHandler implements IQueryHandler<GetTransactionQuery> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}
  execute({ key }: GetTransactionQuery) {
    return this.readStore.getTransaction(key);
  }
}

@QueryHandler(GetTransactionVersionQuery)
export class GetTransactionVersionHandler implements IQueryHandler<GetTransactionVersionQuery> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}
  execute({ key, version }: GetTransactionVersionQuery) {
    return this.readStore.getTransactionVersion(key, version);
  }
}

@QueryHandler(ListTransactionVersionsQuery)
export class ListTransactionVersionsHandler implements IQueryHandler<ListTransactionVersionsQuery> {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}
  execute({ key }: ListTransactionVersionsQuery) {
    return this.readStore.listTransactionVersions(key);
  }
}

export const GET_TRANSACTION_HANDLERS = [GetTransactionHandler, GetTransactionVersionHandler, ListTransactionVersionsHandler];

/** The latest version from the read model; 404 TransactionNotFound when there is none. */
export async function findLatestTransaction(queries: QueryBus, key: TransactionKey): Promise<TransactionView> {
  const view: TransactionView | null = await queries.execute(new GetTransactionQuery(key));
  if (!view) throw transactionNotFound(key.documentCode);
  return view;
}
