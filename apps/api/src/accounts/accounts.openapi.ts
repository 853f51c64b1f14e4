import { CREDENTIAL_ROLES, STATE_TRANSITIONS, TRANSACTION_STATES } from '@tax-ledger/ledger';
import { answerSchema, arrayOf, bool, dateTime, nullable, object, oneOfStrings, recordsetOf, str } from '../common/api-answers';
import { NEXUS } from '../company-setup/nexus.openapi';
import { COMPANY, LOCATION, SETUP_EVENT_LIST } from '../company-setup/company.openapi';

/** The accounts answers: provisioning, license keys, users, whoami. */

const ROLE = oneOfStrings(CREDENTIAL_ROLES);
const NOTICE = str('What to keep: a secret in this answer is shown only here');

export const PROVISIONED_ACCOUNT = answerSchema(
  'ProvisionedAccount',
  object(
    {
      accountId: str(),
      accountName: str(),
      licenseKey: str('Shown once; absent when this answer replays a provisioning completed earlier (same Idempotency-Key)'),
      credentialId: str(),
      role: ROLE,
      username: str('The account admin user'),
      userPassword: str('Only when the server generated it: shown once'),
      companyId: { type: 'integer' },
      companyCode: str(),
      company: COMPANY,
      locations: arrayOf(LOCATION),
      nexus: arrayOf(NEXUS),
      notice: NOTICE,
    },
    ['accountId', 'accountName', 'credentialId', 'role', 'username', 'companyId', 'companyCode', 'company', 'locations', 'nexus', 'notice'],
  ),
);

export const ISSUED_LICENSE_KEY = answerSchema(
  'IssuedLicenseKey',
  object(
    { accountId: str(), credentialId: str(), role: ROLE, licenseKey: str('Shown once: kept only as a hash'), replaces: str('Rotation: the credential revoked by this one'), notice: NOTICE },
    ['accountId', 'credentialId', 'role', 'licenseKey', 'notice'],
  ),
);

export const LICENSE_KEY_LIST = recordsetOf(
  'LicenseKeyList',
  object({ credentialId: str(), role: ROLE, label: nullable(str()), createdAt: dateTime(), revokedAt: nullable(dateTime()), active: bool() }),
);

export const LICENSE_KEY_REVOKED = answerSchema('LicenseKeyRevoked', object({ credentialId: str(), revoked: { type: 'boolean', enum: [true] } }));

export const USER_LIST = recordsetOf(
  'UserList',
  object({
    userId: str(),
    username: str(),
    role: ROLE,
    email: nullable(str()),
    createdAt: dateTime(),
    passwordChangedAt: nullable(dateTime()),
    disabledAt: nullable(dateTime()),
    active: bool(),
  }),
);

export const PASSWORD_CHANGED = answerSchema(
  'PasswordChanged',
  object({ username: str(), userId: str(), password: str('Only when the server generated it: shown once'), notice: NOTICE }, ['username', 'userId']),
);

export const USER_DISABLED = answerSchema('UserDisabled', object({ username: str(), disabled: { type: 'boolean', enum: [true] } }));

export const USER_HISTORY = SETUP_EVENT_LIST;

export const WHO_AM_I = answerSchema(
  'WhoAmI',
  object({
    accountId: str(),
    role: ROLE,
    credentialId: str(),
    actor: str('credential:<id> or user:<name>'),
    username: nullable(str()),
    may: object({
      recordTransactions: bool(),
      manageAccount: bool(),
      transitions: arrayOf(object({ type: oneOfStrings(STATE_TRANSITIONS), from: oneOfStrings(TRANSACTION_STATES), to: oneOfStrings(TRANSACTION_STATES) })),
      periodOperations: arrayOf(oneOfStrings(['reconcile', 'file', 'reopen'])),
    }),
  }),
);
