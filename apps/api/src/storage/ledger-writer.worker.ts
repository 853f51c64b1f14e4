/**
 * The ledger writer thread (embedded profile, file-backed): owns every write to the SQLite file, so
 * the fsync'd group commit and the projector run on the second core while the API thread serves HTTP.
 * The API thread reads the same file through its own connection (WAL: readers never wait for it).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startEmbeddedWriter } from './embedded-writer';
import { serializeError, type FromWriter, type ToWriter, type WriterOptions } from './ledger-writer.protocol';
import { openWritableDatabase } from './writable-database';

const port = parentPort!;
const send = (message: FromWriter) => port.postMessage(message);
const options = workerData as WriterOptions & { dataDir: string };

async function run(): Promise<void> {
  const db = openWritableDatabase(options.sqlitePath, options.dataDir, options.durability);
  const writer = await startEmbeddedWriter(db, {
    logger: {
      log: (message) => send({ type: 'log', level: 'log', message }),
      error: (message, error) => send({ type: 'log', level: 'error', message: `${message}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}` }),
    },
    onProjected: (position) => send({ type: 'projected', position }),
  });
  port.on('message', (message: ToWriter) => {
    if (message.type === 'append') {
      writer.eventStore.appendSerialized(message.streamName, message.events, message.expected).then(
        (result) => send({ type: 'appended', id: message.id, result }),
        (error) => send({ type: 'appendFailed', id: message.id, error: serializeError(error) }),
      );
    } else if (message.type === 'close') {
      void writer.close().then(() => {
        db.close();
        send({ type: 'closed' });
        port.close();
      });
    }
  });
  send({ type: 'ready', position: writer.projector.position });
}

run().catch((error) => send({ type: 'startFailed', error: serializeError(error) }));
