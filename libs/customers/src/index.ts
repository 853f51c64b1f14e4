export * from './customer.decider';
export * from './customer.events';
export * from './customers.projection';
