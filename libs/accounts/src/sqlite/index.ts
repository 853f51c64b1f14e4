export * from './accounts-tables';
