import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { PERIOD_OPERATION_ROLES, STATE_TRANSITIONS, TRANSITION_ROLES, TRANSITION_TABLE, type CredentialRole } from '@tax-ledger/ledger';
import { AccountAuthGuard } from '../../auth/account-auth.guard';
import { CurrentCaller, type Caller } from '../../auth/caller';
import { AllowRoles, MANAGE_ACCOUNT, READ_ACCOUNT, RECORD_TRANSACTIONS } from '../../auth/roles';

/**
 * Who the credential is and what its role may do, from the one table of permissions (the deciders
 * enforce it; this only tells). The console asks it at sign-in to learn the account of a username and
 * which actions to offer.
 */
@ApiTags('Onboarding: credentials')
@ApiSecurity('basic')
@UseGuards(AccountAuthGuard)
@AllowRoles(READ_ACCOUNT)
@Controller('whoami')
export class WhoAmIController {
  @Get()
  @ApiOperation({ summary: "The caller's account, role and identity, and the state transitions and period operations its role may cause" })
  whoami(@CurrentCaller() caller: Caller) {
    const role = caller.role as CredentialRole;
    const byUser = caller.actor.startsWith('user:');
    return {
      accountId: caller.accountId,
      role,
      credentialId: caller.credentialId,
      actor: caller.actor,
      username: byUser ? caller.actor.slice('user:'.length) : null,
      may: {
        recordTransactions: RECORD_TRANSACTIONS.includes(role),
        manageAccount: MANAGE_ACCOUNT.includes(role),
        transitions: STATE_TRANSITIONS.filter((t) => TRANSITION_ROLES[t].includes(role)).map((type) => ({ type, ...TRANSITION_TABLE[type] })),
        periodOperations: (Object.keys(PERIOD_OPERATION_ROLES) as (keyof typeof PERIOD_OPERATION_ROLES)[]).filter((op) => PERIOD_OPERATION_ROLES[op].includes(role)),
      },
    };
  }
}
