export * from './transactions-tables';
