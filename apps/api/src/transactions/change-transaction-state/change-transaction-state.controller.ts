import { Body, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation } from '@nestjs/swagger';
import { parseStateTransition, STATE_TRANSITIONS } from '@tax-ledger/ledger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../../auth/caller';
import { badRequest } from '../../common/api-error';
import { ValidBody } from '../../common/body-validation.pipe';
import { eventMetadata } from '../../common/event-metadata';
import { Idempotency } from '../../common/idempotency';
import { DOCUMENT_PATH, documentKeyFromPath, documentLocation, parseIfMatch } from '../../common/route-params';
import { LEDGER_CONFIG, type LedgerConfig } from '../../config';
import { presentTransaction } from '../../tng-document/tng-document.presenter';
import { TransactionRoutes } from '../transaction-routes';
import { ChangeTransactionStateCommand } from './change-transaction-state.command';
import { StateTransitionDto } from './state-transition.dto';

/** `POST …/stateTransitions`: move a tax transaction record through its filing life cycle. */
@TransactionRoutes()
export class ChangeTransactionStateController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly idempotency: Idempotency,
  ) {}

  @Post(`${DOCUMENT_PATH}/stateTransitions`)
  @ApiOperation({ summary: `Send a state change event: ${STATE_TRANSITIONS.join(', ')} (who may send which: docs/onboarding.md; FiledByAvalara: system filer only)` })
  async changeState(
    @Param() params: Record<string, string>,
    @Body(ValidBody) body: StateTransitionDto,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const key = documentKeyFromPath(caller, params);
    const transition = parseStateTransition(body.type);
    if (!transition) {
      throw badRequest('InvalidStateTransitionType', `type must be one of ${STATE_TRANSITIONS.join(', ')} (case-insensitive).`, 'type');
    }
    const { view } = await this.idempotency.run(caller, request, (extra) =>
      this.commands.execute(
        new ChangeTransactionStateCommand(key, transition, body.comment, caller.role, eventMetadata(request, caller, extra), {
          ifMatch: parseIfMatch(request.headers['if-match']),
        }),
      ),
    );
    reply.status(201).header('Location', documentLocation(this.config.publicUrl, 'transactions', key)).header('ETag', `"${view.versionId}"`);
    return presentTransaction(view);
  }
}
