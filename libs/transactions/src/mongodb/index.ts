export * from './transactions-collections';
