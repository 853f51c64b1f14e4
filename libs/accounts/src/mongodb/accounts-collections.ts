import type { Collection, Db } from 'mongodb';
import { HIDE_ID, insertIfAbsent, isDuplicateKey, type RecordedEvent } from '@tax-ledger/platform';
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

  async apply(event: RecordedEvent): Promise<void> {
    const credential = projectCredential(event);
    if (credential) {
      await insertIfAbsent(this.credentials, { _id: credential.credentialId, ...credential });
      return;
    }
    const revocation = projectCredentialRevocation(event);
    if (revocation) {
      await this.credentials.updateOne(
        { _id: revocation.credentialId, accountId: revocation.accountId, revokedAt: { $exists: false } },
        { $set: { revokedAt: revocation.revokedAt } },
      );
      return;
    }
    const user = projectUser(event);
    if (user) {
      try {
        const { username, ...rest } = user;
        await this.users.updateOne({ _id: username }, { $setOnInsert: { username, ...rest } }, { upsert: true });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
  }

  listCredentials(accountId: string): Promise<CredentialView[]> {
    return this.credentials.find<CredentialView>({ accountId }, { projection: HIDE_ID }).sort({ credentialId: 1 }).toArray();
  }

  user(username: string): Promise<UserView | null> {
    return this.users.findOne<UserView>({ _id: username.toLowerCase() }, { projection: HIDE_ID });
  }

  usersOf(accountId: string): Promise<UserView[]> {
    return this.users.find<UserView>({ accountId }, { projection: HIDE_ID }).sort({ username: 1 }).toArray();
  }
}
