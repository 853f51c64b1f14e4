export * from './sqlite-period-read-models';
