export * from './views';
export * from './read-store.port';
