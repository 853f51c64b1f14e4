export * from './views';
export * from './read-store.port';
export * from './sqlite/sqlite-read-store';
export * from './mongodb/mongo-read-store';
export * from './idempotency-key-conflict';
export * from './calculation-views';
export * from './sqlite/sqlite-rebuild';
export * from './mongodb/mongo-rebuild';
