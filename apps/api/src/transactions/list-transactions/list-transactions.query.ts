import { Inject } from '@nestjs/common';
import { type IQueryHandler, type QueryBus, QueryHandler } from '@nestjs/cqrs';
import { companyNotFound } from '@tax-ledger/companies';
import type { TransactionListFilter, TransactionView } from '@tax-ledger/transactions';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';

/** A company's tax transaction records matching `filter`, in order (documentCode, then transactionType). */
export class ListTransactionsQuery {
  constructor(readonly accountId: string, readonly filter: TransactionListFilter) {}
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

export type TransactionOrderFilter = Omit<TransactionListFilter, 'limit' | 'startCode'>;

/**
 * A list's documents in order (documentCode, then transactionType), read one at a time, so a long list
 * never loads all its documents at once: after a code's k-th entry, the next one is the first of
 * k + 1 rows from that code on that was not read yet (one code has at most one entry per type).
 */
export async function* transactionsInOrder(queries: QueryBus, accountId: string, filter: TransactionOrderFilter, startCode?: string): AsyncGenerator<TransactionView> {
  let code = startCode;
  let readAtCode = new Set<string>();
  for (;;) {
    const rows: TransactionView[] = await queries.execute(new ListTransactionsQuery(accountId, { ...filter, startCode: code, limit: readAtCode.size + 1 }));
    const row = rows.find((r) => !(r.documentCode === code && readAtCode.has(r.transactionType)));
    if (!row) return;
    yield row;
    if (row.documentCode !== code) {
      code = row.documentCode;
      readAtCode = new Set();
    }
    readAtCode.add(row.transactionType);
  }
}
