export * from './registry';
export * from './transactions.projection';
export * from './account.projections';
export * from './projector';
export * from './idempotency.projection';
export * from './liability';
export * from './period-liability.projection';
export * from './filing-period.projection';
