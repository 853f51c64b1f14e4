/** The bulk operations on a filing period (a run moves every document of the period). */
export type PeriodOperation = 'reconcile' | 'file' | 'reopen';
