import type { EventStore } from '@tax-ledger/platform';
import { EventStoreUnavailableError } from '@tax-ledger/platform';
import type { ReadStore } from '@tax-ledger/read-models';
import type { FastifyReply } from 'fastify';
import type { LedgerConfig } from '../config';
import { HealthController } from './health.controller';

function controller(store: LedgerConfig['store'], readAll: EventStore['readAll'], parked: unknown[] = []) {
  const readStore = { checkpoints: async () => ({ transactions: 3 }), parkedEvents: async () => parked } as unknown as ReadStore;
  const eventStore = { readAll } as unknown as EventStore;
  return new HealthController(readStore, { store } as LedgerConfig, eventStore);
}
const reply = { status: jest.fn() } as unknown as FastifyReply;

describe('/health', () => {
  it('distributed profile: touches the event store; an event store that does not answer fails the probe (503 through the error filter)', async () => {
    const readAll = jest.fn(async () => []);
    await expect(controller('eventstoredb', readAll).health(reply)).resolves.toEqual({ status: 'ok' });
    expect(readAll).toHaveBeenCalledWith({ maxCount: 1 });
    const down = controller('eventstoredb', async () => {
      throw new EventStoreUnavailableError('KurrentDB unavailable');
    });
    await expect(down.health(reply)).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });

  it('embedded profile: the log is in the same file as the read models; no extra read', async () => {
    const readAll = jest.fn(async () => []);
    await expect(controller('embedded', readAll).health(reply)).resolves.toEqual({ status: 'ok' });
    expect(readAll).not.toHaveBeenCalled();
  });

  it('parked events: /health answers 503 degraded (alerting), /health/ready 200 degraded (the balancer keeps the writes), /health/live 200', async () => {
    const status = jest.fn();
    const parked = controller('embedded', async () => [], [{ position: 7 }]);
    await expect(parked.health({ status } as unknown as FastifyReply)).resolves.toEqual({ status: 'degraded', parkedEvents: 1 });
    expect(status).toHaveBeenCalledWith(503);
    await expect(parked.ready()).resolves.toEqual({ status: 'degraded', parkedEvents: 1 });
    expect(parked.live()).toEqual({ status: 'ok' });
  });

  it('a store that does not answer fails readiness, never liveness', async () => {
    const readAll = jest.fn(async () => {
      throw new EventStoreUnavailableError('KurrentDB unavailable');
    });
    const down = controller('eventstoredb', readAll);
    await expect(down.ready()).rejects.toBeInstanceOf(EventStoreUnavailableError);
    expect(down.live()).toEqual({ status: 'ok' });
    expect(readAll).toHaveBeenCalledTimes(1);
  });
});
