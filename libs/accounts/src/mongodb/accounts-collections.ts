import type { AnyBulkWriteOperation, ClientSession, Collection, Db } from 'mongodb';
import { HIDE_ID, MONGO_READ_MAX_TIME_MS, type RecordedEvent } from '@tax-ledger/platform';
import type { CredentialView, UserView } from '../account-views';
import { projectCredential, projectCredentialRevocation, projectUser } from '../account.projections';

type CredentialDoc = CredentialView & { _id: string };
type UserDoc = UserView & { _id: string };

/**
 * The account read models of the distributed store: `credentials` (insert-if-absent, then `revokedAt`
 * once) and `users` (insert-if-absent, keyed by username).
 */
export class MongoAccountsCollections {
  readonly credentials: Collection<CredentialDoc>;
  readonly users: Collection<UserDoc>;

  constructor(db: Db) {
    this.credentials = db.collection<CredentialDoc>('credentials', { ignoreUndefined: true });
    this.users = db.collection<UserDoc>('users', { ignoreUndefined: true });
  }

  collections(): Record<string, Collection<{ _id: string }>> {
    return {
      credentials: this.credentials as unknown as Collection<{ _id: string }>,
      users: this.users as unknown as Collection<{ _id: string }>,
    };
  }

  async ensureIndexes(): Promise<void> {
    await Promise.all([
      this.credentials.createIndexes([{ key: { accountId: 1, credentialId: 1 }, name: 'account_credential' }]),
      this.users.createIndexes([{ key: { accountId: 1, username: 1 }, name: 'account_username' }]),
    ]);
  }

  /** Applies a batch of events (idempotent), in order: one bulkWrite per collection. */
  async applyBatch(events: readonly RecordedEvent[], session?: ClientSession): Promise<void> {
    const credentials: AnyBulkWriteOperation<CredentialDoc>[] = [];
    const users: AnyBulkWriteOperation<UserDoc>[] = [];
    for (const event of events) {
      const credential = projectCredential(event);
      if (credential) {
        const { credentialId, accountId, ...rest } = credential;
        credentials.push({ updateOne: { filter: { _id: credentialId, accountId }, update: { $setOnInsert: { credentialId, ...rest } }, upsert: true } });
        continue;
      }
      const revocation = projectCredentialRevocation(event);
      if (revocation) {
        credentials.push({
          updateOne: {
            filter: { _id: revocation.credentialId, accountId: revocation.accountId, revokedAt: { $exists: false } },
            update: { $set: { revokedAt: revocation.revokedAt } },
          },
        });
        continue;
      }
      const user = projectUser(event);
      if (user) {
        const { username, ...rest } = user;
        users.push({ updateOne: { filter: { _id: username }, update: { $setOnInsert: { username, ...rest } }, upsert: true } });
      }
    }
    if (credentials.length > 0) await this.credentials.bulkWrite(credentials, { ordered: true, session });
    if (users.length > 0) await this.users.bulkWrite(users, { ordered: true, session });
  }

  listCredentials(accountId: string): Promise<CredentialView[]> {
    return this.credentials.find<CredentialView>({ accountId }, { projection: HIDE_ID, maxTimeMS: MONGO_READ_MAX_TIME_MS }).sort({ createdAt: 1, credentialId: 1 }).toArray();
  }

  user(username: string): Promise<UserView | null> {
    return this.users.findOne<UserView>({ _id: username.toLowerCase() }, { projection: HIDE_ID, maxTimeMS: MONGO_READ_MAX_TIME_MS });
  }

  usersOf(accountId: string): Promise<UserView[]> {
    return this.users.find<UserView>({ accountId }, { projection: HIDE_ID, maxTimeMS: MONGO_READ_MAX_TIME_MS }).sort({ username: 1 }).toArray();
  }
}
