export * from './tax-document';
export * from './engine.types';
