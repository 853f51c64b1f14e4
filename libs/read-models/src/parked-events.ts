import type { ParkedEvent, ReadStore } from './read-store.port';

/**
 * The parked events of one company's own streams (`{Category}-{account}/{company}…`: its documents,
 * filing periods, setup): the events its read models, and so its worksheets and period totals, lack.
 */
export function parkedEventsOfCompany(parked: readonly ParkedEvent[], accountId: string, companyCode: string): ParkedEvent[] {
  const scope = `${encodeURIComponent(accountId)}/${encodeURIComponent(companyCode)}`;
  return parked.filter((event) => {
    const name = event.streamName.slice(event.streamName.indexOf('-') + 1);
    return name === scope || name.startsWith(`${scope}/`);
  });
}

/** A company's read models lack parked events: figures taken from them would be wrong without a sign (503). */
export class ReadModelsIncompleteError extends Error {
  readonly code = 'ReadModelsIncomplete';
  constructor(readonly parkedEvents: number) {
    super(`The read models lack ${parkedEvents} of this company's event(s) that the projector could not apply.`);
    this.name = 'ReadModelsIncompleteError';
  }
}

/** Refuses (ReadModelsIncompleteError) while any event of the company's own streams is parked. */
export async function assertCompanyReadModelsComplete(readStore: ReadStore, accountId: string, companyCode: string): Promise<void> {
  const parked = parkedEventsOfCompany((await readStore.parkedEvents?.()) ?? [], accountId, companyCode);
  if (parked.length > 0) throw new ReadModelsIncompleteError(parked.length);
}
