import { PROJECTION_NAMES, PROJECTIONS, projectionVersion } from './registry';

describe('projection registry', () => {
  it('names are unique and versions are positive integers', () => {
    expect(new Set(PROJECTION_NAMES).size).toBe(PROJECTIONS.length);
    expect(PROJECTION_NAMES).toEqual(['transactions', 'transaction_versions', 'credentials', 'companies', 'idempotency_keys', 'company_setups', 'users', 'calculations', 'period_liability', 'filing_periods', 'customers', 'multi_documents', 'batches']);
    for (const p of PROJECTIONS) {
      expect(Number.isInteger(p.version) && p.version > 0).toBe(true);
      expect(projectionVersion(p.name)).toBe(p.version);
    }
    expect(projectionVersion('nope')).toBeUndefined();
  });
});
