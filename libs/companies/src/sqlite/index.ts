export * from './companies-tables';
