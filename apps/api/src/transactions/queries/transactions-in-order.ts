import type { QueryBus } from '@nestjs/cqrs';
import type { TransactionListFilter, TransactionView } from '@tax-ledger/transactions';
import { ListTransactionsQuery } from './transaction.queries';

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
