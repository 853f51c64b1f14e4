export * from './multi-document.decider';
export * from './multi-document.events';
export * from './multi-documents.projection';
