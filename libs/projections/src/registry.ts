/**
 * The read-model projections and their versions. Bump a projection's `version` whenever its output for
 * the same events changes: a rebuild compares the version stored with each checkpoint against this
 * list and refills the read model of every projection whose version differs.
 */
export interface ProjectionDefinition {
  /** Read model (table / collection) name, also the checkpoint name. */
  name: string;
  version: number;
  /** Event types the projection reads; every other event only advances its checkpoint. */
  eventTypes: readonly string[];
}

const TRANSACTION_VERSION_EVENTS = ['TransactionRecorded', 'TransactionRevised'] as const;
const TRANSACTION_STATE_EVENTS = [
  'TransactionVoided',
  'TransactionUnvoided',
  'TransactionReconciled',
  'TransactionUnreconciled',
  'TransactionFiled',
  'TransactionUnfiled',
  'TransactionFiledByAvalara',
] as const;

export const TRANSACTIONS_PROJECTION: ProjectionDefinition = {
  name: 'transactions',
  version: 1,
  eventTypes: [...TRANSACTION_VERSION_EVENTS, ...TRANSACTION_STATE_EVENTS],
};

export const TRANSACTION_VERSIONS_PROJECTION: ProjectionDefinition = {
  name: 'transaction_versions',
  version: 1,
  eventTypes: TRANSACTION_VERSION_EVENTS,
};

export const CREDENTIALS_PROJECTION: ProjectionDefinition = {
  name: 'credentials',
  version: 1,
  eventTypes: ['LicenseKeyIssued'],
};

export const COMPANIES_PROJECTION: ProjectionDefinition = {
  name: 'companies',
  version: 1,
  eventTypes: ['CompanyCreated'],
};

/** Every projection the read stores maintain, in apply order. */
export const PROJECTIONS: readonly ProjectionDefinition[] = [
  TRANSACTIONS_PROJECTION,
  TRANSACTION_VERSIONS_PROJECTION,
  CREDENTIALS_PROJECTION,
  COMPANIES_PROJECTION,
];

export const PROJECTION_NAMES: readonly string[] = PROJECTIONS.map((p) => p.name);

export function projectionVersion(name: string): number | undefined {
  return PROJECTIONS.find((p) => p.name === name)?.version;
}
