export * from './mongodb/mongo-read-store';
export * from './mongodb/mongo-rebuild';
export * from './read-store.port';
export * from './registry';
export * from './sqlite/sqlite-read-store';
export * from './sqlite/sqlite-rebuild';
export * from './sqlite/sqlite-outdated-rebuild';
export * from './parked-retry';
