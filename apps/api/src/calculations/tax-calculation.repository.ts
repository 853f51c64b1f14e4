import { Inject, Injectable } from '@nestjs/common';
import {
  calculationStreamName,
  decideCalculation,
  foldCalculation,
  TAX_CALCULATION_SCHEMA_VERSION,
  type CalculationKey,
  type RecordCalculation,
  type TaxCalculationEvent,
} from '@tax-ledger/ledger';
import { EVENT_STORE, WrongExpectedRevisionError, type AppendResult, type EventMetadata, type EventStore } from '@tax-ledger/event-store';
import { projectCalculation } from '@tax-ledger/projections';
import type { CalculationView } from '@tax-ledger/read-store';
import { WAIT_FOR_PROJECTION, type WaitForProjection } from '../storage/tokens';
import { checkPrecondition, MAX_ATTEMPTS, type CommandOptions } from '../transactions/tax-transaction.repository';

/**
 * Load a calculation's stream -> decide -> append with the expected revision (lost races retried on a
 * fresh read, as for transactions). Returns the calculation as it stands after the command, folded
 * from its own stream, once the read models have caught up.
 */
@Injectable()
export class TaxCalculationRepository {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(WAIT_FOR_PROJECTION) private readonly waitForProjection: WaitForProjection,
  ) {}

  async record(
    key: CalculationKey,
    metadata: EventMetadata,
    command: RecordCalculation,
    options: CommandOptions = {},
  ): Promise<{ view: CalculationView; created: boolean }> {
    const stream = calculationStreamName(key);
    for (let attempt = 1; ; attempt++) {
      const history = await this.eventStore.readStream(stream);
      const current = foldCalculation(history as unknown as TaxCalculationEvent[]);
      checkPrecondition(current, options.ifMatch);
      const decided = decideCalculation(command, current);
      const lastRevision = history.length ? history[history.length - 1].revision : -1;
      let appendResult: AppendResult;
      try {
        appendResult = await this.eventStore.append(
          stream,
          decided.map((e) => ({ type: e.type, data: e.data, metadata: { ...metadata, schemaVersion: TAX_CALCULATION_SCHEMA_VERSION } })),
          { expectedRevision: lastRevision < 0 ? 'no_stream' : lastRevision },
        );
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
      const appended =
        appendResult.events ?? (await this.eventStore.readStream(stream, { fromRevision: lastRevision + 1, maxCount: decided.length }));
      const view = [...history, ...appended].reduce<CalculationView | null>(projectCalculation, null);
      if (!view) throw new Error(`stream ${stream} did not project to a calculation`);
      await this.waitForProjection(appendResult.lastGlobalPosition);
      return { view, created: lastRevision < 0 };
    }
  }

  /** Every version of a calculation, oldest first (each recalculation is one), read from its stream. */
  async versions(key: CalculationKey): Promise<CalculationView[]> {
    const history = await this.eventStore.readStream(calculationStreamName(key));
    const versions: CalculationView[] = [];
    history.reduce<CalculationView | null>((view, event) => {
      const next = projectCalculation(view, event);
      if (next && next !== view) versions.push(next);
      return next;
    }, null);
    return versions;
  }

  /** The latest stored version of a calculation, read from its stream (not a possibly lagging read model). */
  async latest(key: CalculationKey): Promise<CalculationView | null> {
    const history = await this.eventStore.readStream(calculationStreamName(key));
    return history.reduce<CalculationView | null>(projectCalculation, null);
  }
}
