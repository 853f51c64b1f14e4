/**
 * `verify [--strict]`: walks the whole log (embedded: stream by stream) and checks every stream's hash chain
 * (libs/platform/src/event-store/hash-chain.ts): revisions contiguous and in global order, each prevHash equal
 * to the previous event's hash, each hash equal to the hash of the event's content. Prints the first
 * broken link (stream, revision, global position, reason) and exits 1 when any is found. Events older
 * than the chain that no hashed event has sealed are reported; --strict makes them a failure too.
 * Prints a head digest to record elsewhere: it changes whenever any stream's content or tail changes.
 */
import {
  type ChainReport,
  ChainVerifier,
  EventStoreDbEventStore,
  openSqliteDatabase,
  SqliteEventStore,
  StreamChainVerifier,
} from '@tax-ledger/platform';
import type { Command } from 'commander';
import { cliConfig, err, existingSqlitePath, out } from './audit-stores';

/**
 * Embedded: stream by stream along the log's (stream, revision) index, one stream's state in memory
 * (flat in the number of streams). EventStoreDB: `$all` in global order, one small record per stream.
 */
async function checkChains(): Promise<ChainReport> {
  const config = cliConfig();
  if (config.store === 'eventstoredb') {
    const store = new EventStoreDbEventStore(config.eventStoreConnectionString!);
    const verifier = new ChainVerifier();
    try {
      for await (const event of store.iterateStored()) verifier.check(event);
    } finally {
      await store.close();
    }
    return verifier.report();
  }
  const db = openSqliteDatabase(existingSqlitePath(config), { readonly: true });
  try {
    const verifier = new StreamChainVerifier();
    for (const event of new SqliteEventStore(db).iterateStoredByStream()) verifier.check(event);
    return verifier.report();
  } finally {
    db.close();
  }
}

export async function verifyLog(options: { strict?: boolean } = {}): Promise<number> {
  const report = await checkChains();
  out(`events: ${report.events} in ${report.streams} streams, last global position ${report.lastGlobalPosition}`);
  out(`hashed events: ${report.hashedEvents}`);
  if (report.unsealedLegacyEvents > 0) {
    out(
      `unsealed legacy events: ${report.unsealedLegacyEvents} in ${report.unsealedLegacyStreams} streams ` +
        '(written before the hash chain; sealed by the next append to their stream, not protected until then)',
    );
  }
  out(`head digest: ${report.headDigest}`);
  if (report.breaks.length > 0) {
    const first = report.breaks[0];
    err(`BROKEN: stream "${first.streamName}" revision ${first.revision} (global position ${first.globalPosition}): ${first.reason}`);
    for (const more of report.breaks.slice(1, 10)) {
      err(`  also: stream "${more.streamName}" revision ${more.revision} (global position ${more.globalPosition}): ${more.reason}`);
    }
    if (report.breaks.length > 10) err(`  ... ${report.breaks.length - 10} more`);
    err(`verify FAILED: ${report.breaks.length} broken link(s)`);
    return 1;
  }
  if (options.strict && report.unsealedLegacyEvents > 0) {
    err('verify FAILED (--strict): the log holds unsealed legacy events');
    return 1;
  }
  out('verify OK: every hash chain is intact');
  return 0;
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('check every stream\'s hash chain and the global order; exit 1 on the first broken link')
    .option('--strict', 'also fail when events written before the hash chain are not sealed yet')
    .action(async (options: { strict?: boolean }) => {
      process.exitCode = await verifyLog(options);
    });
}
