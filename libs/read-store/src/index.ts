export * from './views';
export * from './read-store.port';
export * from './sqlite/sqlite-read-store';
export * from './mongodb/mongo-read-store';
export * from './idempotency-key-conflict';
export * from './period-read-store.port';
