export * from './ledger-error';
export * from './period-operation';
export * from './permissions';
export * from './roles';
export * from './transaction-state';
export * from './idempotency-key';
