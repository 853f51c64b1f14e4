export * from './content-log';
