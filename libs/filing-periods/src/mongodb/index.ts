export * from './mongo-period-read-models';
