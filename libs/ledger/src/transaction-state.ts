/** The five filing states of a tax transaction record (seed, "Transitioning Tax Transaction Record States"). */
export const TRANSACTION_STATES = ['Recorded', 'Voided', 'Reconciled', 'Filed', 'FiledByAvalara'] as const;
export type TransactionState = (typeof TRANSACTION_STATES)[number];

/** The state-change requests of the seed's States API, spelled as the seed spells them. */
export const STATE_TRANSITIONS = [
  'Voided',
  'UnVoided',
  'Reconciled',
  'UnReconciled',
  'Filed',
  'UnFiled',
  'FiledByAvalara',
] as const;
export type StateTransition = (typeof STATE_TRANSITIONS)[number];

/** The seed's table: each transition's one legal starting state and its end state. */
export const TRANSITION_TABLE: Record<StateTransition, { from: TransactionState; to: TransactionState }> = {
  Voided: { from: 'Recorded', to: 'Voided' },
  UnVoided: { from: 'Voided', to: 'Recorded' },
  Reconciled: { from: 'Recorded', to: 'Reconciled' },
  UnReconciled: { from: 'Reconciled', to: 'Recorded' },
  Filed: { from: 'Reconciled', to: 'Filed' },
  UnFiled: { from: 'Filed', to: 'Reconciled' },
  FiledByAvalara: { from: 'Reconciled', to: 'FiledByAvalara' },
};

/** Case-insensitive lookup ("voided" in the seed's example means Voided); undefined when unknown. */
export function parseStateTransition(value: string): StateTransition | undefined {
  const wanted = value.trim().toLowerCase();
  return STATE_TRANSITIONS.find((t) => t.toLowerCase() === wanted);
}

export function parseTransactionState(value: string): TransactionState | undefined {
  const wanted = value.trim().toLowerCase();
  return TRANSACTION_STATES.find((s) => s.toLowerCase() === wanted);
}
