export * from './idempotency-key-conflict';
export * from './idempotency.projection';
export * from './tax-transaction.decider';
export * from './tax-transaction.events';
export * from './tax-transaction.upcasters';
export * from './transaction-key';
export * from './transaction-views';
export * from './transactions.projection';
