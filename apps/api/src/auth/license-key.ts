import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );

const PARAMS = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;
/** Stored-hash scheme of a secret (a user password, a license key issued before key ids). */
const SCHEME = 'scrypt';
/** Stored-hash scheme of a license key that carries its credential id (`<credentialId>.<secret>`). */
const SCHEME_WITH_KEY_ID = 'scrypt-id';

/** 192 random bits as 48 hex characters (a generated password, the secret part of a license key). */
export const generateSecret = () => randomBytes(24).toString('hex');

/**
 * A new license key, `<credentialId>.<48 hex>`, and its stored hash. The id in the key lets the server
 * verify exactly one hash per attempt (the key's own), whatever the account holds. Shown once, never stored.
 */
export async function newLicenseKey(credentialId: string): Promise<{ licenseKey: string; keyHash: string }> {
  const licenseKey = `${credentialId}.${generateSecret()}`;
  return { licenseKey, keyHash: await hashSecret(licenseKey, SCHEME_WITH_KEY_ID) };
}

const KEY_WITH_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.[0-9a-f]{48}$/;

/** The credential id a license key carries; undefined for anything else (a key issued before ids, a password). */
export const keyIdOf = (secret: string): string | undefined => KEY_WITH_ID.exec(secret)?.[1];

/** Whether a stored hash belongs to a key that carries its id (false: a key issued before key ids). */
export const carriesKeyId = (storedHash: string): boolean => storedHash.startsWith(`${SCHEME_WITH_KEY_ID}$`);

/** Slow, salted hash of a secret: "<scheme>$N$r$p$salt$hash" (base64). */
export async function hashSecret(secret: string, scheme = SCHEME): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(secret, salt, KEY_LENGTH, PARAMS);
  return [scheme, PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** Constant-time check of a secret against a stored hash (one scrypt). */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if ((scheme !== SCHEME && scheme !== SCHEME_WITH_KEY_ID) || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(secret, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Constant-time comparison of two secrets of possibly different length (digests hide the length). */
export function secretsEqual(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b)) && a === b;
}
