import { MongoServerError, type Collection, type Db } from 'mongodb';
import type { RecordedEvent } from '@tax-ledger/event-store';
import { isCompanyEvent, projectCompanySetup, projectCredentialRevocation, projectUser } from '@tax-ledger/projections';
import type { CompanySetupView, UserView } from '../onboarding-views';
import type { CredentialView } from '../views';

type SetupDoc = CompanySetupView & { _id: string };
type UserDoc = UserView & { _id: string };

const HIDE_ID = { _id: 0 } as const;
const MAX_APPLY_ATTEMPTS = 10;
const isDuplicateKey = (error: unknown) => error instanceof MongoServerError && error.code === 11000;

/**
 * The onboarding read models of the distributed store: `company_setups` (revision-guarded replace,
 * sharded by accountId), `users` (insert-if-absent, keyed by username) and key revocation on
 * `credentials`. MongoReadStore creates one and hands it every event.
 */
export class MongoOnboardingCollections {
  readonly companySetups: Collection<SetupDoc>;
  readonly users: Collection<UserDoc>;

  constructor(
    db: Db,
    private readonly credentials: Collection<CredentialView & { _id: string }>,
  ) {
    this.companySetups = db.collection<SetupDoc>('company_setups', { ignoreUndefined: true });
    this.users = db.collection<UserDoc>('users', { ignoreUndefined: true });
  }

  async ensureIndexes(): Promise<void> {
    await Promise.all([
      this.companySetups.createIndexes([
        { key: { accountId: 1, companyCode: 1 }, name: 'account_company', unique: true },
        { key: { accountId: 1, companyId: 1 }, name: 'account_company_id' },
      ]),
      this.users.createIndexes([{ key: { accountId: 1, username: 1 }, name: 'account_username' }]),
    ]);
  }

  /** Applies an onboarding event; false when the event is none of its business. */
  async apply(event: RecordedEvent): Promise<boolean> {
    if (isCompanyEvent(event)) {
      await this.applyCompanyEvent(event);
      return event.type !== 'CompanyCreated'; // CompanyCreated also feeds `companies`
    }
    const user = projectUser(event);
    if (user) {
      try {
        const { username, ...rest } = user;
        await this.users.updateOne({ _id: username }, { $setOnInsert: { username, ...rest } }, { upsert: true });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      return true;
    }
    const revocation = projectCredentialRevocation(event);
    if (revocation) {
      await this.credentials.updateOne(
        { _id: revocation.credentialId, accountId: revocation.accountId, revokedAt: { $exists: false } },
        { $set: { revokedAt: revocation.revokedAt } },
      );
      return true;
    }
    return false;
  }

  async companySetup(accountId: string, companyCode: string): Promise<CompanySetupView | null> {
    return this.companySetups.findOne<CompanySetupView>({ accountId, companyCode }, { projection: HIDE_ID });
  }

  async companySetupById(accountId: string, companyId: number): Promise<CompanySetupView | null> {
    return this.companySetups.findOne<CompanySetupView>({ accountId, companyId }, { projection: HIDE_ID });
  }

  async listCompanySetups(accountId: string): Promise<CompanySetupView[]> {
    return this.companySetups.find<CompanySetupView>({ accountId }, { projection: HIDE_ID }).sort({ companyCode: 1 }).toArray();
  }

  async user(username: string): Promise<UserView | null> {
    return this.users.findOne<UserView>({ _id: username.toLowerCase() }, { projection: HIDE_ID });
  }

  async usersOf(accountId: string): Promise<UserView[]> {
    return this.users.find<UserView>({ accountId }, { projection: HIDE_ID }).sort({ username: 1 }).toArray();
  }

  private async applyCompanyEvent(event: RecordedEvent): Promise<void> {
    const { accountId, companyCode } = event.data as { accountId: string; companyCode: string };
    const _id = `${encodeURIComponent(accountId)}/${encodeURIComponent(companyCode)}`;
    for (let attempt = 0; attempt < MAX_APPLY_ATTEMPTS; attempt++) {
      const stored = await this.companySetups.findOne({ _id, accountId });
      const current = stored ? withoutId(stored) : null;
      const next = projectCompanySetup(current, event);
      if (!next || next === current) return;
      const doc: SetupDoc = { _id, ...next };
      if (!stored) {
        try {
          await this.companySetups.insertOne(doc);
          return;
        } catch (error) {
          if (isDuplicateKey(error)) continue;
          throw error;
        }
      }
      const result = await this.companySetups.replaceOne({ _id, accountId, streamRevision: stored.streamRevision }, doc);
      if (result.matchedCount === 1) return;
    }
    throw new Error(`MongoReadStore: gave up applying ${event.type} #${event.revision} of ${event.streamName}`);
  }
}

function withoutId(doc: SetupDoc): CompanySetupView {
  const { _id, ...view } = doc;
  void _id;
  return view;
}
