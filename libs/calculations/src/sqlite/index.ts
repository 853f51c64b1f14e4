export * from './calculations-table';
