import type { RecordedEvent } from '@tax-ledger/platform';
import { calculationStreamName, type CalculationVersionData } from './tax-calculation.events';
import { projectCalculation } from './calculations.projection';
import { calculatedDocument, key } from '../../transactions/src/test-fixtures';

const k = key('Q-1');
const event = (revision: number, amount: number, type = revision === 0 ? 'CalculationRecorded' : 'CalculationRevised'): RecordedEvent<string, CalculationVersionData> => ({
  id: `e${revision}`,
  streamName: calculationStreamName(k),
  revision,
  globalPosition: 10 + revision,
  type,
  data: {
    ...k,
    version: revision + 1,
    versionId: `v${revision + 1}`,
    document: calculatedDocument(k, { amount, customerCode: 'CUST' }),
    contentVersion: 'content-1',
    taxDate: '2024-01-15',
    calculationDuration: 0.001,
  },
  metadata: { schemaVersion: 1, actor: 'a', credentialId: 'c', requestId: 'r', correlationId: 'r', causationId: 'r', userAgent: 'u', occurredAt: `2024-01-0${revision + 1}T00:00:00.000Z` },
});

describe('projection calculations', () => {
  it('keeps the latest version, its summary and document, and the first createdAt', () => {
    const v1 = projectCalculation(null, event(0, 100))!;
    expect(v1).toMatchObject({ version: 1, customerCode: 'CUST', createdAt: '2024-01-01T00:00:00.000Z', documentRevision: 0 });
    expect(v1.summary.tax).toBe(6.5); // 100 × 6.5 %
    const v2 = projectCalculation(v1, event(1, 200))!;
    expect(v2).toMatchObject({ version: 2, versionId: 'v2', createdAt: v1.createdAt, modifiedAt: '2024-01-02T00:00:00.000Z', streamRevision: 1 });
    expect(v2.summary.tax).toBe(13); // 200 × 6.5 %
  });

  it('ignores an event already applied and events of other kinds (same object back)', () => {
    const v2 = projectCalculation(projectCalculation(null, event(0, 100)), event(1, 200))!;
    expect(projectCalculation(v2, event(1, 999))).toBe(v2);
    expect(projectCalculation(v2, { ...event(2, 1), type: 'TransactionRecorded' })).toBe(v2);
    expect(projectCalculation(null, { ...event(0, 1), type: 'CompanyCreated' })).toBeNull();
  });
});
