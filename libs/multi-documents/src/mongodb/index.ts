export * from './multi-documents-collection';
