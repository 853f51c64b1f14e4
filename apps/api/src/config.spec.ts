import { loadConfig, MIN_PARTNER_KEY_LENGTH } from './config';

describe('loadConfig: LEDGER_PARTNER_KEY', () => {
  it('refuses a short partner key, naming the variable and the minimum, so the server does not start', () => {
    for (const key of ['x', 'short-secret', 'a'.repeat(MIN_PARTNER_KEY_LENGTH - 1)]) {
      expect(() => loadConfig({ LEDGER_PARTNER_KEY: key })).toThrow(new RegExp(`LEDGER_PARTNER_KEY must be at least ${MIN_PARTNER_KEY_LENGTH} characters`));
    }
  });

  it('refuses a key of only whitespace and one with surrounding whitespace (a copy-paste accident)', () => {
    expect(() => loadConfig({ LEDGER_PARTNER_KEY: ' '.repeat(40) })).toThrow(/LEDGER_PARTNER_KEY/);
    expect(() => loadConfig({ LEDGER_PARTNER_KEY: ` ${'k'.repeat(40)}\n` })).toThrow(/LEDGER_PARTNER_KEY/);
  });

  it('takes a long enough key; unset (or empty) keeps provisioning closed', () => {
    expect(loadConfig({ LEDGER_PARTNER_KEY: 'k'.repeat(MIN_PARTNER_KEY_LENGTH) }).partnerKey).toBe('k'.repeat(MIN_PARTNER_KEY_LENGTH));
    expect(loadConfig({}).partnerKey).toBeUndefined();
    expect(loadConfig({ LEDGER_PARTNER_KEY: '' }).partnerKey).toBeUndefined();
  });
});
