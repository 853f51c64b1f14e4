import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, type EventStore } from '@tax-ledger/platform';
import { foldUser, userStreamName } from '@tax-ledger/accounts';
import { LedgerError } from '@tax-ledger/ledger';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import type { FastifyRequest } from 'fastify';
import { AccountAuthGuard } from '../../auth/account-auth.guard';
import { type Caller, CurrentCaller } from '../../auth/caller';
import { AllowRoles, MANAGE_ACCOUNT } from '../../auth/roles';
import { ValidBody } from '../../common/body-validation.pipe';
import { changeMetadata } from '../../auth/change-metadata';
import { recordset } from '../../onboarding/company.queries';
import { ChangeUserPasswordDto, RevokeLicenseKeyDto } from '../accounts.dto';
import { type ChangedPassword, ChangeUserPasswordCommand, DisableUserCommand } from './users.commands';

const PASSWORD_SHOWN_ONCE = 'Store the password now: it is shown only in this response and kept only as a hash.';

/** The caller's own account's users (account admin only): the same life cycle as license keys. */
@ApiTags('Onboarding: users')
@ApiSecurity('basic')
@UseGuards(AccountAuthGuard)
@AllowRoles(MANAGE_ACCOUNT)
@Controller('users')
export class UsersController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
  ) {}

  @Get()
  @ApiOperation({ summary: "List the account's users: name, role, dates, whether in force; never a password or its hash" })
  async list(@CurrentCaller() caller: Caller) {
    const users = await this.readStore.listUsers(caller.accountId);
    const rows = [];
    for (const u of users) {
      const state = foldUser(await this.eventStore.readStream(userStreamName(u.username))); // the log says whether it changed since
      rows.push({
        userId: u.userId,
        username: u.username,
        role: u.role,
        email: u.email ?? null,
        createdAt: u.createdAt,
        passwordChangedAt: state.exists ? state.passwordChangedAt : null,
        disabledAt: state.exists ? state.disabledAt : null,
        active: state.exists && state.disabledAt === null,
      });
    }
    return recordset(rows);
  }

  @Post(':username/password')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate a user\'s password: {password} of 12..200 characters, or none to have one generated (shown once); the old one is refused at once' })
  async changePassword(@Param('username') username: string, @Body(ValidBody) body: ChangeUserPasswordDto, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const changed: ChangedPassword = await this.commands.execute(new ChangeUserPasswordCommand(caller.accountId, username, body.password, changeMetadata(request, caller)));
    return changed.password ? { ...changed, notice: PASSWORD_SHOWN_ONCE } : changed;
  }

  @Delete(':username')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable a user (optional ?reason=): its password is refused from the next request on; final' })
  async disable(@Param('username') username: string, @Query(ValidBody) query: RevokeLicenseKeyDto, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    await this.commands.execute(new DisableUserCommand(caller.accountId, username, query.reason, changeMetadata(request, caller)));
    return { username: username.toLowerCase(), disabled: true };
  }

  @Get(':username/history')
  @ApiOperation({ summary: "Audit: every event of the user's stream (created, password changed, disabled) with who, when and why; never a hash" })
  async history(@Param('username') username: string, @CurrentCaller() caller: Caller) {
    const events = await this.eventStore.readStream(userStreamName(username));
    const user = foldUser(events);
    if (!user.exists || user.accountId !== caller.accountId) {
      throw new LedgerError('UserNotFound', `No user "${username}" exists in this account.`, 'not_found', 'username');
    }
    return recordset(
      events.map((e) => {
        const { passwordHash: _hash, ...data } = e.data as Record<string, unknown>;
        return {
          revision: e.revision,
          type: e.type,
          data,
          occurredAt: e.metadata.occurredAt,
          actor: e.metadata.actor,
          credentialId: e.metadata.credentialId,
          requestId: e.metadata.requestId,
          clientRequestId: (e.metadata.clientRequestId as string | undefined) ?? null,
          reason: (e.metadata.reason as string | undefined) ?? null,
        };
      }),
    );
  }
}
