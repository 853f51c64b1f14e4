export * from './batches-collection';
