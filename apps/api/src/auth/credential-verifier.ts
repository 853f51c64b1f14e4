import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@tax-ledger/platform';
import { foldUser, type User, userStreamName } from '@tax-ledger/accounts';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import { createHash } from 'node:crypto';
import { ApiError } from '../common/api-error';
import type { Caller } from './caller';
import { FailureThrottle } from './failure-throttle';
import { carriesKeyId, generateSecret, hashSecret, keyIdOf, verifySecret } from './license-key';

const AUTH_PATTERN = /^\s*(AvalaraAuth|Avalara|Basic)\s*:?\s*([A-Za-z0-9+/=_-]+)\s*$/i;
/** How long a verified key is trusted without re-running scrypt. */
export const VERIFIED_TTL_MS = 60_000;
/**
 * How long a cached key is used without asking the read model whether it was revoked since (a cheap
 * read, no hash). Revoking clears the cache of the process that handled it at once; another API
 * replica (distributed profile) refuses the key at most this long (plus projection lag) later.
 */
export const REVOCATION_CHECK_MS = 5_000;
const VERIFIED_MAX = 10_000;

export const unauthenticated = (message: string) => new ApiError(401, 'AuthenticationFailed', message, 'Authorization');

/** `left:secret` of an AvalaraAuth / Basic header; undefined for another scheme. */
function decodedCredential(header: string | undefined): string | undefined {
  const match = header === undefined ? null : AUTH_PATTERN.exec(header);
  return match ? Buffer.from(match[2], 'base64').toString('utf8') : undefined;
}

/** The throttle's key of a credential from an address: never the secret itself, only its hash. */
const throttleKey = (client: string, header: string | undefined) => `${client}\u0000${createHash('sha256').update(header ?? '').digest('hex')}`;

function tooMany(retryAfter: number, what: string): void {
  if (retryAfter <= 0) return;
  throw new ApiError(429, 'TooManyFailedAuthentications', `Too many failed authentications ${what}; retry in ${retryAfter} s.`, 'Authorization', [], {
    'Retry-After': String(retryAfter),
  });
}

/**
 * The one place secrets are checked: license keys (accountId:licenseKey) and user passwords
 * (username:password), both scrypt-hashed and compared in constant time; failures are throttled per
 * client address (429 before any hash is computed). Error messages never repeat what was sent.
 */
@Injectable()
export class CredentialVerifier implements OnModuleInit {
  /** sha256(left:secret) -> caller, so the slow hash runs once per key per minute, not per request. */
  private readonly verified = new Map<string, { caller: Caller; until: number; checkedAt: number; userRevision?: number }>();
  /**
   * Failures of one credential from one address (a wrong key retried, a guesser on one name): past 20 a
   * minute that credential gets 429 from that address, and nothing else does.
   */
  readonly throttle = new FailureThrottle(20);
  /**
   * All failures from one address: past 100 a minute, a credential this server has not verified in the
   * last minute gets 429 without a hash (the CPU budget of a flood of guesses). A key in use keeps
   * working: a stranger behind the same egress cannot lock a merchant out.
   */
  readonly addressThrottle = new FailureThrottle(100);
  /** Hash compared against when nothing matched the name, so failures all cost one scrypt. */
  private dummy?: Promise<string>;

  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
  ) {}

  /** The dummy hash is made at start-up, so not even the first failure takes longer than the others. */
  async onModuleInit(): Promise<void> {
    await this.dummyHash();
  }

  /** 429 when this credential has failed too often from this address lately. */
  checkThrottle(client: string, header: string | undefined): void {
    tooMany(this.throttle.retryAfter(throttleKey(client, header)), 'with this credential from this address');
  }

  /** 429 when this address has failed too often lately (whatever credential). */
  checkAddressThrottle(client: string): void {
    tooMany(this.addressThrottle.retryAfter(client), 'from this address');
  }

  /** Counts a failure of `header` from `client` (the pair, and the address's budget). */
  recordFailure(client: string, header: string | undefined): void {
    this.throttle.fail(throttleKey(client, header));
    this.addressThrottle.fail(client);
  }

  /**
   * Throttle checks, then `authenticate`; a failure counts against the (address, credential) pair and
   * the address. A credential verified in the last minute passes the address's budget.
   */
  async authenticateRequest(client: string, header: string | undefined): Promise<Caller> {
    this.checkThrottle(client, header);
    if (!this.recentlyVerified(header)) this.checkAddressThrottle(client);
    try {
      return await this.authenticate(header);
    } catch (error) {
      this.recordFailure(client, header);
      throw error;
    }
  }

  /** The credential was verified in the last minute (and so is no guess). */
  private recentlyVerified(header: string | undefined): boolean {
    const decoded = decodedCredential(header);
    if (decoded === undefined) return false;
    const hit = this.verified.get(createHash('sha256').update(decoded).digest('hex'));
    return !!hit && hit.until > Date.now();
  }

  /** `AvalaraAuth|Basic base64(accountId:licenseKey | username:password)` -> the caller, or 401. */
  async authenticate(header: string | undefined): Promise<Caller> {
    if (!header) throw unauthenticated('The Authorization header is required: AvalaraAuth <base64(accountId:licenseKey)> or Basic <base64(accountId:licenseKey)>.');
    const decoded = decodedCredential(header);
    if (decoded === undefined) throw unauthenticated('Unsupported Authorization scheme; use AvalaraAuth or Basic with base64 of "accountId:licenseKey".');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw unauthenticated('The Authorization value must be base64 of "accountId:licenseKey" or "username:password".');
    const left = decoded.slice(0, colon);
    const secret = decoded.slice(colon + 1);

    const cacheKey = createHash('sha256').update(decoded).digest('hex');
    const now = Date.now();
    const hit = this.verified.get(cacheKey);
    if (hit && hit.until > now) {
      if (now - hit.checkedAt < REVOCATION_CHECK_MS) return hit.caller;
      if (await this.stillInForce(hit.caller, hit.userRevision)) {
        hit.checkedAt = now;
        return hit.caller;
      }
      this.verified.delete(cacheKey);
      throw unauthenticated('Invalid credentials.');
    }

    const verified = await this.verify(left, secret);
    if (!verified) throw unauthenticated('Invalid credentials.');
    if (this.verified.size >= VERIFIED_MAX) this.verified.clear();
    this.verified.set(cacheKey, { caller: verified.caller, until: now + VERIFIED_TTL_MS, checkedAt: now, userRevision: verified.userRevision });
    return verified.caller;
  }

  /**
   * Drop every cached verification of a credential (a key's id, or `user:<userId>`): a revoked key, a
   * changed password, a disabled user is refused on its very next use.
   */
  forget(credentialId: string): void {
    for (const [cacheKey, entry] of this.verified) if (entry.caller.credentialId === credentialId) this.verified.delete(cacheKey);
  }

  private dummyHash(): Promise<string> {
    return (this.dummy ??= hashSecret(generateSecret()));
  }

  /** A cached key is still in force (not revoked); a cached user's stream has not moved (no new password, not disabled). */
  private async stillInForce(caller: Caller, userRevision: number | undefined): Promise<boolean> {
    if (userRevision !== undefined) {
      const { user, revision } = await this.userNamed(caller.actor.slice('user:'.length));
      return user.exists && user.disabledAt === null && revision === userRevision;
    }
    const credentials = await this.readStore.listCredentials(caller.accountId);
    return credentials.some((c) => c.credentialId === caller.credentialId && !c.revokedAt);
  }

  /**
   * Exactly one scrypt per attempt, whoever is named, so a wrong answer costs the same and takes as long
   * for an unknown account, an account with many keys and an unknown user:
   * - `left` is an account with keys in force: a key carrying its id (`<credentialId>.<secret>`) is
   *   checked against that one key; any other secret only against the keys issued before key ids (the
   *   only ones it could be), of which an account has at most MAX_ACTIVE_LICENSE_KEYS;
   * - otherwise `left` is a username: its password hash;
   * - nothing to compare with: a dummy hash.
   */
  private async verify(left: string, secret: string): Promise<{ caller: Caller; userRevision?: number } | null> {
    const keys = (await this.readStore.listCredentials(left)).filter((c) => !c.revokedAt);
    if (keys.length > 0) {
      const keyId = keyIdOf(secret);
      const candidates = keyId === undefined ? keys.filter((k) => !carriesKeyId(k.keyHash)) : keys.filter((k) => k.credentialId === keyId && carriesKeyId(k.keyHash));
      if (candidates.length === 0) await verifySecret(secret, await this.dummyHash());
      for (const key of candidates) {
        if (await verifySecret(secret, key.keyHash)) {
          return { caller: { accountId: left, credentialId: key.credentialId, role: key.role, actor: `credential:${key.credentialId}` } };
        }
      }
      return null;
    }
    const { user, revision } = await this.userNamed(left);
    const inForce = user.exists && user.disabledAt === null;
    const matches = await verifySecret(secret, inForce ? user.passwordHash : await this.dummyHash());
    if (!inForce || !matches) return null;
    return { caller: { accountId: user.accountId, credentialId: `user:${user.userId}`, role: user.role, actor: `user:${user.username}` }, userRevision: revision };
  }

  /** A user as its own stream tells it (the log, not a read model: a change counts at once, in every replica). */
  private async userNamed(username: string): Promise<{ user: User; revision: number }> {
    const events = await this.eventStore.readStream(userStreamName(username));
    return { user: foldUser(events), revision: events.length ? events[events.length - 1].revision : -1 };
  }
}
