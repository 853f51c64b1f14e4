export * from './customers-collection';
