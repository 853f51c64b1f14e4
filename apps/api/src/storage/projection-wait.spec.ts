import type { ReadStore } from '@tax-ledger/read-models';
import { Logger } from '@nestjs/common';
import { projectionWaiter } from './storage.module';
import { ReadModelsBehindError } from './tokens';

/** Read models whose checkpoints the test moves (the projector's part). */
function readModels(initial: Record<string, number>) {
  const checkpoints = { ...initial };
  return { checkpoints, store: { checkpoints: async () => ({ ...checkpoints }) } as unknown as ReadStore };
}

describe('distributed profile: a command waits until the projector has passed its write', () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('resolves once every projection has reached the position, not before', async () => {
    const { checkpoints, store } = readModels({ transactions: 10, transaction_versions: 10 });
    const wait = projectionWaiter(store, 5000);
    let done = false;
    const waiting = wait(12).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(done).toBe(false);
    checkpoints.transactions = 12;
    await new Promise((r) => setTimeout(r, 30));
    expect(done).toBe(false); // transaction_versions still behind
    checkpoints.transaction_versions = 13;
    const started = Date.now();
    await waiting;
    expect(Date.now() - started).toBeLessThan(200);
  });

  it('answers after the configured bound when the projector lags, with a warning', async () => {
    const { store } = readModels({ transactions: 1 });
    const started = Date.now();
    await projectionWaiter(store, 120)(5);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(115);
    expect(waited).toBeLessThan(1000);
    expect(Logger.prototype.warn).toHaveBeenCalledWith(expect.stringMatching(/had not reached position 5 after 120 ms/));
  });

  it('a wait that is required (a period run about to list its documents) fails instead of going on with stale read models', async () => {
    const { store } = readModels({ transactions: 1 });
    await expect(projectionWaiter(store, 50)(5, { required: true })).rejects.toBeInstanceOf(ReadModelsBehindError);
  });
});
