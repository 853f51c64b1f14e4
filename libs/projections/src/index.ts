export * from './registry';
export * from './transactions.projection';
export * from './account.projections';
export * from './projector';
export * from './idempotency.projection';
export * from './company-setup.projection';
export * from './calculations.projection';
