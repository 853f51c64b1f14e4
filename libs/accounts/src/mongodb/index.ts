export * from './accounts-collections';
