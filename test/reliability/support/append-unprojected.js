/**
 * A writer that dies between append and projection: opens the ledger file with the API's write side
 * (event store + the Idempotency-Key reservation, no projector), records a copy of the newest recorded
 * document under `process.argv[3]` as a new document, prints what it appended, and then waits to be
 * killed. Runs the compiled code (dist/, built by `npm test`). Usage: node append-unprojected.js <ledger.sqlite> <documentCode>
 */
const { join } = require('node:path');
const dist = (lib) => require(join(__dirname, '../../../dist/libs', lib, 'src'));
const { openSqliteDatabase, SqliteEventStore } = dist('platform');
const { SqliteReadStore } = dist('read-models');
const { LEDGER_UPCASTERS, transactionStreamName } = dist('transactions');

const [sqlitePath, documentCode] = process.argv.slice(2);
const db = openSqliteDatabase(sqlitePath);
const readStore = new SqliteReadStore(db);
const eventStore = new SqliteEventStore(db, { inlineProjections: [readStore.idempotencyReservation()], upcasters: LEDGER_UPCASTERS });
const template = db.prepare("SELECT data, metadata FROM events WHERE event_type = 'TransactionRecorded' ORDER BY global_position DESC LIMIT 1").get();
const data = JSON.parse(template.data);
data.documentCode = documentCode;
data.document.header.documentCode = documentCode;
data.versionId = 'f'.repeat(32);
const metadata = { ...JSON.parse(template.metadata), requestId: 'append-unprojected', occurredAt: new Date().toISOString() };
eventStore
  .append(transactionStreamName(data), [{ type: 'TransactionRecorded', data, metadata }], { expectedRevision: 'no_stream' })
  .then((result) => {
    process.stdout.write(`${JSON.stringify({ position: result.lastGlobalPosition, amount: data.document.lines[0].extendedAmount })}\n`);
    setInterval(() => undefined, 60_000); // committed and never projected: wait for kill -9
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
