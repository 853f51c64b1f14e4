import { Body, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation } from '@nestjs/swagger';
import type { TransactionView } from '@tax-ledger/transactions';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../../auth/caller';
import { AllowRoles, RECORD_TRANSACTIONS } from '../../auth/roles';
import { ValidBody } from '../../common/body-validation.pipe';
import { eventMetadata } from '../../common/event-metadata';
import { type CommandOutcome, Idempotency } from '../../common/idempotency';
import { DOCUMENT_PATH, documentKeyFromPath, documentLocation } from '../../common/route-params';
import { ApiCalculatedDocument } from '../../company-setup/coverage.openapi';
import { LEDGER_CONFIG, type LedgerConfig } from '../../config';
import { presentTransaction } from '../../tng-document/tng-document.presenter';
import { CalculationRoutes } from '../calculation-routes';
import { CreateTransactionFromCalculationCommand } from './create-transaction-from-calculation.command';
import { TransactionFromCalculationDto } from './transaction-from-calculation.dto';

/** `POST /calculations/{…}/transactions`: a tax transaction record from a calculation (seed table). */
@CalculationRoutes()
export class CreateTransactionFromCalculationController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly idempotency: Idempotency,
  ) {}

  @Post(`${DOCUMENT_PATH}/transactions`)
  @AllowRoles(RECORD_TRANSACTIONS)
  @ApiOperation({ summary: "Create a tax transaction record from the calculation (201, Location of the transaction); the company's strictCoverage applies" })
  @ApiCalculatedDocument(201)
  async createTransaction(
    @Param() params: Record<string, string>,
    @Body(ValidBody) body: TransactionFromCalculationDto,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const calculationKey = documentKeyFromPath(caller, params);
    const { view } = await this.idempotency.run(caller, request, (extra) =>
      this.commands.execute<CreateTransactionFromCalculationCommand, CommandOutcome<TransactionView>>(
        new CreateTransactionFromCalculationCommand(calculationKey, body.documentCode, body.recalculate ?? true, body.comment, eventMetadata(request, caller, extra)),
      ),
    );
    reply
      .status(201)
      .header('Location', documentLocation(this.config.publicUrl, 'transactions', { ...calculationKey, documentCode: view.documentCode }))
      .header('ETag', `"${view.versionId}"`);
    return presentTransaction(view);
  }
}
