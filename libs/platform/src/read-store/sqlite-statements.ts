import type BetterSqlite3 from 'better-sqlite3';

/** Statements prepared on first use and kept (a read model whose SQL depends on the filters asked). */
export class SqliteStatements {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  /** `schema`: the table's DDL (CREATE … IF NOT EXISTS), run once unless the database is read-only. */
  constructor(
    private readonly db: BetterSqlite3.Database,
    schema?: string,
  ) {
    if (schema !== undefined && !db.readonly) db.exec(schema);
  }

  get(sql: string): BetterSqlite3.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) this.statements.set(sql, (stmt = this.db.prepare(sql)));
    return stmt;
  }
}
