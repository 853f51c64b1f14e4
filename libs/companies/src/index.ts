export * from './company.projections';
export * from './company-views';
export * from './company.decider';
export * from './company.events';
