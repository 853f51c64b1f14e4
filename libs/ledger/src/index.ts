export * from './transaction-key';
export * from './transaction-state';
export * from './tax-transaction.events';
export * from './tax-transaction.decider';
export * from './ledger-error';
export * from './account.events';
export * from './account.decider';
export * from './tax-transaction.upcasters';
