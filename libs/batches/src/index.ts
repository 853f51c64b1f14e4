export * from './batch.decider';
export * from './batch.events';
export * from './batches.projection';
