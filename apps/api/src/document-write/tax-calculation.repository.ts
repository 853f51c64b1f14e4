import { Inject, Injectable } from '@nestjs/common';
import {
  type CalculationKey,
  calculationStreamName,
  type CalculationView,
  decideCalculation,
  foldCalculation,
  projectCalculation,
  type RecordCalculation,
  TAX_CALCULATION_SCHEMA_VERSION,
  type TaxCalculationEvent,
} from '@tax-ledger/calculations';
import { EVENT_STORE, type EventMetadata, type EventStore } from '@tax-ledger/platform';
import { decideAndAppend } from '../common/decide-and-append';
import { WAIT_FOR_PROJECTION, type WaitForProjection } from '../storage/tokens';
import { checkPrecondition, type CommandOptions } from './tax-transaction.repository';

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
    const { history, appended, result } = await decideAndAppend(
      this.eventStore,
      stream,
      (events) => foldCalculation(events as unknown as TaxCalculationEvent[]),
      (current) => {
        checkPrecondition(current, options.ifMatch);
        return decideCalculation(command, current);
      },
      { ...metadata, schemaVersion: TAX_CALCULATION_SCHEMA_VERSION },
    );
    const view = [...history, ...appended].reduce<CalculationView | null>(projectCalculation, null);
    if (!view) throw new Error(`stream ${stream} did not project to a calculation`);
    await this.waitForProjection(result.lastGlobalPosition);
    return { view, created: history.length === 0 };
  }

  /** Every version of a calculation, oldest first (each recalculation is one), read from its stream. */
  /**
   * Version n of a calculation, read alone from the log: a calculation's stream holds only version
   * events (CalculationRecorded, then CalculationRevised), version n at revision n - 1.
   */
  async version(key: CalculationKey, n: number): Promise<CalculationView | null> {
    const [event] = await this.eventStore.readStream(calculationStreamName(key), { fromRevision: n - 1, maxCount: 1 });
    return event ? projectCalculation(null, event) : null;
  }

  /** Versions from `first` on, read one at a time. */
  async *versionsFrom(key: CalculationKey, first: number): AsyncGenerator<CalculationView> {
    for (let n = first; ; n++) {
      const view = await this.version(key, n);
      if (!view) return;
      yield view;
    }
  }

  /** The latest stored version of a calculation, read from its stream (not a possibly lagging read model). */
  async latest(key: CalculationKey): Promise<CalculationView | null> {
    const history = await this.eventStore.readStream(calculationStreamName(key));
    return history.reduce<CalculationView | null>(projectCalculation, null);
  }
}
