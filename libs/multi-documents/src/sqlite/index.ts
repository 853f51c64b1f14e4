export * from './multi-documents-table';
