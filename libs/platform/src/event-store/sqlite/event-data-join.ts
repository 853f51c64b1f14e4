/**
 * Embedded profile only: read models share the SQLite file with the log, so a view row does not copy the
 * document an event holds; it keeps that event's stream and revision and joins the log's `events` row back
 * on read. This module is that dependency on the log's table, stated once.
 */
export interface RowWithEventData {
  view: string;
  /** The `data` column of the joined event. */
  data: string;
}

/** `JOIN events e ON …`: the event at `<alias>.<streamColumn>` / `<alias>.<revisionColumn>`, as `e`. */
export const joinEventData = (alias: string, streamColumn: string, revisionColumn: string): string =>
  `JOIN events e ON e.stream_name = ${alias}.${streamColumn} AND e.stream_revision = ${alias}.${revisionColumn}`;

/** The stored view with `document` put back from the joined event's data. */
export function withEventDocument<V extends { document: unknown }>(row: RowWithEventData): V {
  const view = JSON.parse(row.view) as V;
  view.document = (JSON.parse(row.data) as { document: V['document'] }).document;
  return view;
}

/** The view to store: everything but the document (which the event keeps). */
export const withoutDocument = (view: { document?: unknown }): string => JSON.stringify({ ...view, document: undefined });

/** A statement prepared when first used (the log's `events` table may be created after the read store). */
export function prepareOnFirstUse<S>(prepare: () => S): () => S {
  let stmt: S | undefined;
  return () => (stmt ??= prepare());
}
