export * from './calculation-views';
export * from './calculations.projection';
export * from './tax-calculation.decider';
export * from './tax-calculation.events';
