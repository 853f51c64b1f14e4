export * from './filing-period.decider';
export * from './filing-period.events';
export * from './filing-period.projection';
export * from './liability';
export * from './period-liability.projection';
export * from './period-read-store.port';
