export * from './customers-table';
