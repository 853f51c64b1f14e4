// The onboarding read-model row types live with the projections that build them.
export type { CompanySetupView, UserView, CredentialRevocation } from '@tax-ledger/projections';
