export * from './companies-collections';
