export * from './account-views';
export * from './account.decider';
export * from './account.events';
export * from './account.projections';
export * from './user.decider';
export * from './provisioning';
