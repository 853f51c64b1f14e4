/**
 * A read model the projector maintains. Bump `version` whenever its output for the same events changes:
 * a store compares the version stored with each checkpoint and refills a projection whose version differs.
 */
export interface ProjectionDefinition {
  /** Read model (table / collection) name, also the checkpoint name. */
  name: string;
  version: number;
  /** Event types the projection reads; every other event only advances its checkpoint. */
  eventTypes: readonly string[];
  /**
   * Tables (embedded) / collections (MongoDB) holding its rows, when not just one named `name`:
   * `projections rebuild <name>` swaps all of them together.
   */
  tables?: readonly string[];
}
