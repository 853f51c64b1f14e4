/**
 * Read-store contract for the onboarding read models (company_setups, users, key revocation on
 * credentials): SQLite always, MongoDB when MONGODB_URI is set. The events come from a real company /
 * account decider run, appended to an in-memory SqliteEventStore; the Mongo harness applies the same
 * recorded events the way the projector does (twice, to prove idempotency).
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import { type EventMetadata, type RecordedEvent, SqliteEventStore } from '@tax-ledger/platform';
import { accountStreamName, userStreamName } from '@tax-ledger/accounts';
import {
  type CompanyCommand,
  type CompanyState,
  companyStreamName,
  decideCompany,
  evolveCompany,
  initialCompany,
} from '@tax-ledger/companies';
import { MongoReadStore, type ReadStore, SqliteReadStore } from '@tax-ledger/read-models';

const metadata = (i: number): EventMetadata => ({
  schemaVersion: 1, actor: 'credential:admin', credentialId: 'admin', requestId: `r${i}`, correlationId: `r${i}`, causationId: `r${i}`, userAgent: 'contract', occurredAt: new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(),
});

/** A log with two accounts' companies, a user, keys issued and one revoked. */
async function buildLog(): Promise<RecordedEvent[]> {
  const db = new Database(':memory:');
  const store = new SqliteEventStore(db);
  let i = 0;
  const company = async (accountId: string, companyCode: string, commands: CompanyCommand[]) => {
    let state: CompanyState = initialCompany;
    for (const cmd of commands) {
      const events = decideCompany(state, cmd, { accountId, companyCode });
      await store.append(companyStreamName(accountId, companyCode), events.map((e) => ({ ...e, metadata: metadata(++i) })));
      state = events.reduce((s, e) => evolveCompany(s, e), state);
    }
  };
  const wa = { country: 'US', region: 'WA', jurisTypeId: 'STA' as const, jurisCode: '53', jurisName: 'WASHINGTON' };
  const choice = { effectiveDate: null, endDate: null, nexusTypeId: 'SalesOrSellersUseTax' as const, hasLocalNexus: false, localNexusTypeId: 'Selected' as const, hasPermanentEstablishment: true };
  await company('acc-1', 'ONE', [
    { type: 'CreateCompany', companyId: 101, companyName: 'One', defaultCurrency: 'USD', locations: [{ locationCode: 'DEFAULT', address: { line1: 'x', region: 'WA', country: 'US' } }], nexus: [{ ...wa, ...choice }] },
    { type: 'UpdateNexus', nexusId: 1, nexus: { ...wa, ...choice, endDate: '2024-12-31' } },
    { type: 'MapItem', item: { itemCode: 'SKU', taxCode: 'P0000000' } },
    { type: 'SetFallbackItem', itemCode: 'SKU' },
    { type: 'AddCertificate', certificate: { certificateId: 'C1', customerCode: 'CU', regions: [{ country: 'US', region: 'WA' }], entityUseCode: 'G', effectiveDate: '2024-01-01' } },
  ]);
  await company('acc-2', 'ONE', [{ type: 'CreateCompany', companyId: 202, companyName: 'Other', defaultCurrency: 'EUR' }]);
  await store.append(accountStreamName('acc-1'), [
    { type: 'AccountProvisioned', data: { accountId: 'acc-1', accountName: 'A' }, metadata: metadata(++i) },
    { type: 'LicenseKeyIssued', data: { accountId: 'acc-1', credentialId: 'k1', role: 'account_admin', keyHash: 'scrypt$1$1$1$c2FsdA==$aGFzaA==' }, metadata: metadata(++i) },
    { type: 'LicenseKeyIssued', data: { accountId: 'acc-1', credentialId: 'k2', role: 'api_user', keyHash: 'scrypt$1$1$1$c2FsdA==$aGFzaA==' }, metadata: metadata(++i) },
    { type: 'LicenseKeyRevoked', data: { accountId: 'acc-1', credentialId: 'k2' }, metadata: metadata(++i) },
  ]);
  await store.append(userStreamName('Admin@Example.com'), [
    { type: 'UserCreated', data: { accountId: 'acc-1', userId: 'u1', username: 'admin@example.com', passwordHash: 'scrypt$1$1$1$c2FsdA==$cHc=', role: 'account_admin' }, metadata: metadata(++i) },
  ]);
  const events = await store.readAll();
  await store.close();
  db.close();
  return events;
}

function onboardingContract(name: string, factory: () => Promise<{ readStore: ReadStore; apply(events: RecordedEvent[]): Promise<void>; dispose(): Promise<void> }>, describeFn: jest.Describe = describe) {
  describeFn(`Onboarding read models: ${name}`, () => {
    let log: RecordedEvent[];
    let h: Awaited<ReturnType<typeof factory>>;
    beforeAll(async () => {
      log = await buildLog();
    });
    beforeEach(async () => {
      h = await factory();
      await h.apply(log);
    });
    afterEach(async () => h?.dispose());

    it('company_setups holds the fold of the company stream, found by code and by numeric id, per account', async () => {
      const one = await h.readStore.getCompanySetup('acc-1', 'ONE');
      expect(one).toMatchObject({
        companyId: 101, companyName: 'One', nexusConfigured: true, fallbackItemCode: 'SKU', items: [{ itemCode: 'SKU', taxCode: 'P0000000' }],
        nexus: [expect.objectContaining({ id: 1, region: 'WA', endDate: '2024-12-31', createdDate: log.find((e) => e.type === 'NexusDeclared')!.metadata.occurredAt })],
        certificates: [expect.objectContaining({ certificateId: 'C1' })],
        locations: [expect.objectContaining({ id: 1, locationCode: 'DEFAULT' })],
        streamRevision: 6, // CreateCompany wrote 3 events (company, location, nexus), then 4 changes
      });
      expect(await h.readStore.getCompanySetupById('acc-1', 101)).toEqual(one);
      expect(await h.readStore.getCompanySetupById('acc-1', 202)).toBeNull(); // another account's id
      expect(await h.readStore.getCompanySetupById('acc-2', 202)).toMatchObject({ companyName: 'Other', defaultCurrency: 'EUR', nexusConfigured: false });
      expect((await h.readStore.listCompanySetups('acc-1')).map((c) => c.companyId)).toEqual([101]);
      expect(await h.readStore.getCompany('acc-1', 'ONE')).toMatchObject({ companyId: 101 });
    });

    it('users are found by username whatever its case; a revoked key carries revokedAt', async () => {
      expect(await h.readStore.findUser('ADMIN@example.com')).toMatchObject({ accountId: 'acc-1', userId: 'u1', role: 'account_admin' });
      expect(await h.readStore.findUser('nobody')).toBeNull();
      expect((await h.readStore.listUsers('acc-1')).map((u) => u.username)).toEqual(['admin@example.com']);
      expect(await h.readStore.listUsers('acc-2')).toEqual([]);
      const keys = await h.readStore.listCredentials('acc-1');
      expect(keys.map((k) => [k.credentialId, k.revokedAt ?? null])).toEqual([['k1', null], ['k2', log.find((e) => e.type === 'LicenseKeyRevoked')!.metadata.occurredAt]]);
    });

    it('applying the log again changes nothing', async () => {
      const before = [await h.readStore.getCompanySetup('acc-1', 'ONE'), await h.readStore.listCredentials('acc-1'), await h.readStore.findUser('admin@example.com')];
      await h.apply(log);
      expect([await h.readStore.getCompanySetup('acc-1', 'ONE'), await h.readStore.listCredentials('acc-1'), await h.readStore.findUser('admin@example.com')]).toEqual(before);
    });
  });
}

onboardingContract('SqliteReadStore', async () => {
  const db = new Database(':memory:');
  const readStore = new SqliteReadStore(db);
  const store = new SqliteEventStore(db, { inlineProjections: [readStore.inlineProjection()] });
  return {
    readStore,
    // Embedded: the log is read back from a source store, as catchUp does on start-up.
    apply: async (events) => readStore.applyEvents(events),
    dispose: async () => {
      await store.close();
      db.close();
    },
  };
});

const mongoUri = process.env.MONGODB_URI;
onboardingContract(
  'MongoReadStore (MONGODB_URI)',
  async () => {
    const client = new MongoClient(mongoUri!);
    await client.connect();
    const db = client.db(`tax_ledger_onboarding_${process.pid}_${randomBytes(6).toString('hex')}`);
    const readStore = new MongoReadStore(db);
    await readStore.ensureIndexes();
    return {
      readStore,
      apply: async (events) => {
        for (const e of events) await readStore.apply(e);
      },
      dispose: async () => {
        await db.dropDatabase();
        await client.close();
      },
    };
  },
  mongoUri ? describe : describe.skip,
);
