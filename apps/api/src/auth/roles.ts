import { SetMetadata } from '@nestjs/common';
import type { CredentialRole } from '@tax-ledger/ledger';
import { ApiError } from '../common/api-error';
import type { Caller } from './caller';

/**
 * Who may call what (enforced with 403 by AccountAuthGuard; see docs/onboarding.md):
 * - partner: provisions accounts (POST /accounts) and nothing inside them;
 * - account_admin: everything in its account: license keys, companies, locations, nexus, items,
 *   certificates, filing calendar, and transactions;
 * - api_user: records, reads, voids and unvoids transactions, reads the company setup;
 * - system_filer: reads, reconciles and files; the only one that may send FiledByAvalara; it does
 *   not record documents.
 * Which role may cause which state transition and period operation is the ledger's table
 * (libs/ledger/src/permissions.ts), checked by the deciders whatever route asks.
 */
export const MANAGE_ACCOUNT: readonly CredentialRole[] = ['account_admin'];
export const READ_ACCOUNT: readonly CredentialRole[] = ['account_admin', 'api_user', 'system_filer'];
/** Recording and revising documents; reading them is open to every account role (state changes: permissions.ts). */
export const RECORD_TRANSACTIONS: readonly CredentialRole[] = ['account_admin', 'api_user'];

export const ROLES_KEY = 'tax-ledger:roles';
/** Roles allowed on a controller or route (the route's list wins). */
export const AllowRoles = (roles: readonly CredentialRole[]) => SetMetadata(ROLES_KEY, roles);

export function assertRole(caller: Caller, roles: readonly CredentialRole[] | undefined): void {
  if (!roles) return;
  if (caller.role !== 'partner' && roles.includes(caller.role)) return;
  throw new ApiError(403, 'PermissionDenied', `The ${caller.role} role may not do this; allowed: ${roles.join(', ')}.`, 'Authorization');
}
