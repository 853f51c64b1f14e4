export * from './calculations-collection';
