/*
 * Generates a realistic ledger log straight into the `events` table SqliteEventStore creates (same
 * schema: the table is created by opening a SqliteEventStore once), with raw SQL for speed:
 *   - one account (AccountProvisioned, CompanyCreated "A1 Boats", LicenseKeyIssued with a real scrypt
 *     hash of a fresh license key, so the API server accepts that key);
 *   - documents: TransactionRecorded (a seed-like 3-line document calculated by calculateTax on its own
 *     transaction date), and later, interleaved with other documents' events, 15 % a TransactionRevised
 *     (other lines), 5 % TransactionVoided, 30 % TransactionReconciled of which half then TransactionFiled.
 * About 1.65 events per document. Deterministic (seeded), except ids and the key.
 */
import { newLicenseKey } from '../../apps/api/src/auth/license-key';
import { eventHash, GENESIS_HASH, openSqliteDatabase, SqliteEventStore } from '@tax-ledger/platform';
import { accountStreamName } from '@tax-ledger/accounts';
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { prng } from './common';
import { addDays, COMPANY_CODE, JsonTemplate } from './documents';
import { BENCH_ACCOUNT_ID, BENCH_CREDENTIAL_ID, benchMetadata, benchStreamName, versionData } from './events';

export const FIRST_DATE = '2025-01-01';
export const DAYS = 365;
const VARIANTS = 32;
/** How many document codes the reads part may GET. */
const SAMPLE_CODES = 5000;
/** Follow-up events of a document come this many documents later at most. */
const MAX_DELAY = 2000;

export interface GeneratedLog {
  events: number;
  documents: number;
  versionEvents: number;
  stateEvents: number;
  accountId: string;
  licenseKey: string;
  companyCode: string;
  firstDate: string;
  lastDate: string;
  /** A few document codes, for GETs. */
  sampleCodes: string[];
  documentCodePrefix: string;
  generationSeconds: number;
  fileBytes?: number;
}

export const documentCode = (i: number) => `INV-${String(i).padStart(8, '0')}`;

type Row = [type: string, stream: string, revision: number, data: string];

export async function generateLedgerLog(path: string, targetEvents: number, seed = 42): Promise<GeneratedLog> {
  const started = Date.now();
  const { licenseKey, keyHash } = await newLicenseKey(BENCH_CREDENTIAL_ID);
  const db = openSqliteDatabase(path, { durability: 'full' });
  void new SqliteEventStore(db, { groupCommit: false } as ConstructorParameters<typeof SqliteEventStore>[1]); // creates the schema
  // Generation is not what is measured: no fsync per commit while loading.
  db.pragma('synchronous = OFF');
  const insert = db.prepare(
    'INSERT INTO events (event_id, stream_name, stream_revision, event_type, data, metadata, recorded_at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  // Each event carries the per-stream hash chain, as the store writes it (a log of hashed events, not legacy
  // rows). Heads are kept only while a stream still has follow-up events due.
  const heads = new Map<string, { hash: string; remaining?: number }>();
  const metadata = new JsonTemplate(JSON.stringify(benchMetadata('@@REQ@@', '@@AT@@')));
  let position = 0;
  const baseTime = Date.parse(`${FIRST_DATE}T08:00:00.000Z`);
  const write = ([type, stream, revision, data]: Row) => {
    position++;
    const at = new Date(baseTime + position * 20).toISOString();
    const meta = metadata.fill({ REQ: `req-${position}`, AT: at });
    const head = heads.get(stream);
    const prevHash = revision === 0 ? GENESIS_HASH : head!.hash;
    const hash = eventHash(prevHash, stream, revision, type, data, meta);
    insert.run(randomUUID(), stream, revision, type, data, meta, at, prevHash, hash);
    if (!head) heads.set(stream, { hash });
    else {
      head.hash = hash;
      if (head.remaining !== undefined && --head.remaining === 0) heads.delete(stream);
    }
  };
  const emit = (rows: Row[]) => {
    for (const row of rows) write(row);
  };

  // The account, its company and a license key the reads part can use.
  const accountStream = accountStreamName(BENCH_ACCOUNT_ID);
  db.transaction(() => {
    write(['AccountProvisioned', accountStream, 0, JSON.stringify({ accountId: BENCH_ACCOUNT_ID, accountName: 'Bench account' })]);
    write(['CompanyCreated', accountStream, 1, JSON.stringify({ accountId: BENCH_ACCOUNT_ID, companyCode: COMPANY_CODE, companyName: COMPANY_CODE, defaultCurrency: 'USD' })]);
    write(['LicenseKeyIssued', accountStream, 2, JSON.stringify({ accountId: BENCH_ACCOUNT_ID, credentialId: BENCH_CREDENTIAL_ID, role: 'account_admin', keyHash })]);
  })();

  // Calculated documents, one per (variant, day): the engine runs at most VARIANTS * DAYS times, not per event.
  const versions = new Map<number, JsonTemplate>();
  const versionTemplate = (variant: number, day: number) => {
    const key = variant * 1000 + day;
    let t = versions.get(key);
    if (!t) {
      const data = versionData(variant, '@@DOC@@', 1, addDays(FIRST_DATE, day));
      t = new JsonTemplate(JSON.stringify({ ...data, version: '##VER##', versionId: '@@VID@@' }));
      versions.set(key, t);
    }
    return t;
  };
  const stateData = (code: string, version: number, from: string, to: string) =>
    JSON.stringify({ accountId: BENCH_ACCOUNT_ID, companyCode: COMPANY_CODE, transactionType: 'Sale', documentCode: code, version, from, to });

  const rand = prng(seed);
  const sampleRand = prng(seed + 1);
  const expectedDocuments = Math.max(1, targetEvents / 1.65);
  const later = new Map<number, Row[]>(); // document index -> follow-up events written just before it
  let pending = 0;
  let documents = 0;
  let versionEvents = 0;
  let stateEvents = 0;
  let lastDay = 0;
  const sampleCodes: string[] = [];

  const createDocument = (i: number) => {
    const code = documentCode(i);
    const stream = benchStreamName(code);
    const variant = Math.floor(rand() * VARIANTS);
    // Dates advance with the log (invoice numbers grow with time), spread over one year.
    const day = Math.min(DAYS - 1, Math.floor((i / expectedDocuments) * DAYS));
    lastDay = Math.max(lastDay, day);
    const vid = (n: number) => `${i.toString(16).padStart(24, '0')}${n.toString(16).padStart(8, '0')}`;
    write(['TransactionRecorded', stream, 0, versionTemplate(variant, day).fill({ DOC: code, VER: 1, VID: vid(1) })]);
    versionEvents++;
    // Reservoir sample of document codes (uniform over the whole log) for the reads part.
    if (sampleCodes.length < SAMPLE_CODES) sampleCodes.push(code);
    else {
      const j = Math.floor(sampleRand() * (i + 1));
      if (j < SAMPLE_CODES) sampleCodes[j] = code;
    }
    const followUps: Row[] = [];
    let revision = 0;
    let version = 1;
    if (rand() < 0.15) {
      version = 2;
      followUps.push(['TransactionRevised', stream, ++revision, versionTemplate((variant + 7) % VARIANTS, day).fill({ DOC: code, VER: 2, VID: vid(2) })]);
      versionEvents++;
    }
    const r = rand();
    if (r < 0.05) {
      followUps.push(['TransactionVoided', stream, ++revision, stateData(code, version, 'Recorded', 'Voided')]);
      stateEvents++;
    } else if (r < 0.35) {
      followUps.push(['TransactionReconciled', stream, ++revision, stateData(code, version, 'Recorded', 'Reconciled')]);
      stateEvents++;
      if (rand() < 0.5) {
        followUps.push(['TransactionFiled', stream, ++revision, stateData(code, version, 'Reconciled', 'Filed')]);
        stateEvents++;
      }
    }
    if (followUps.length === 0) heads.delete(stream);
    else heads.get(stream)!.remaining = followUps.length;
    if (followUps.length > 0) {
      const at = i + 1 + Math.floor(rand() * MAX_DELAY);
      const list = later.get(at);
      if (list) list.push(...followUps);
      else later.set(at, followUps);
      pending += followUps.length;
    }
  };

  /** Writes documents (and the follow-ups falling due) up to `limit` events; true once no new document is needed. */
  const writeSome = db.transaction((limit: number): boolean => {
    while (position < limit) {
      const due = later.get(documents);
      if (due) {
        later.delete(documents);
        pending -= due.length;
        emit(due);
      }
      if (position + pending >= targetEvents) return true;
      createDocument(documents++);
    }
    return false;
  });
  const BATCH = 20_000;
  while (!writeSome(Math.min(targetEvents, position + BATCH)) && position < targetEvents);
  // The follow-ups still scheduled, in order (the log may end a few events past the target).
  db.transaction(() => {
    for (const key of [...later.keys()].sort((a, b) => a - b)) emit(later.get(key)!);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  // Flush the generated file to disk now, so the rebuild does not pay for the generator's writeback.
  const fd = openSync(path, 'r+');
  fsyncSync(fd);
  closeSync(fd);
  return {
    events: position,
    documents,
    versionEvents,
    stateEvents,
    accountId: BENCH_ACCOUNT_ID,
    licenseKey,
    companyCode: COMPANY_CODE,
    firstDate: FIRST_DATE,
    lastDate: addDays(FIRST_DATE, lastDay),
    sampleCodes,
    documentCodePrefix: 'INV-',
    generationSeconds: (Date.now() - started) / 1000,
  };
}
