export * from './batches-table';
