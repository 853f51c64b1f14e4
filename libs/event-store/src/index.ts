export * from './event-store.port';
export * from './sqlite/sqlite-database';
export * from './sqlite/sqlite-event-store';
export * from './eventstoredb/eventstoredb-event-store';
export * from './hash-chain';
export * from './upcasting';
export * from './event-id';
