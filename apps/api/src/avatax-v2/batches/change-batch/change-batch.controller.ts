import { Delete, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation } from '@nestjs/swagger';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import type { FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../../../auth/caller';
import { AllowRoles, RECORD_TRANSACTIONS } from '../../../auth/roles';
import { ApiAnswers, arrayOf, object, str } from '../../../common/api-answers';
import { eventMetadata } from '../../../common/event-metadata';
import { CompanyQueries } from '../../../onboarding/company.queries';
import { BATCH } from '../batch.openapi';
import { presentBatch } from '../batch.presenter';
import { asV2Batch, batchIdOf, batchOfCompany, V2BatchRoutes } from '../batch-routes';
import { ChangeBatchCommand } from './change-batch.command';

/** cancelBatch and deleteBatch. */
@V2BatchRoutes()
export class ChangeBatchController {
  constructor(
    private readonly commands: CommandBus,
    private readonly companies: CompanyQueries,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  @Post('companies/:companyId/batches/:id/cancel')
  @HttpCode(200)
  @AllowRoles(RECORD_TRANSACTIONS)
  @ApiOperation({ summary: 'cancelBatch: a Waiting or Processing batch stops before its next item (the documents written so far stay); otherwise 400 BatchNotCancellable' })
  @ApiAnswers(200, BATCH, 'The batch, Cancelled', [404])
  async cancel(@Param('companyId') companyId: string, @Param('id') rawId: string, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    return presentBatch(await this.change(companyId, rawId, 'CancelBatch', caller, request));
  }

  @Delete('companies/:companyId/batches/:id')
  @AllowRoles(RECORD_TRANSACTIONS)
  @ApiOperation({ summary: 'deleteBatch: marks the batch deleted (its documents stay); a Processing batch is 400 BatchIsProcessing (cancel it first)' })
  @ApiAnswers(200, arrayOf(object({ code: str(), message: str() }), 'Always empty (AvaTax answers an empty list of error details)'), 'Deleted', [404])
  async delete(@Param('companyId') companyId: string, @Param('id') rawId: string, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    await this.change(companyId, rawId, 'DeleteBatch', caller, request);
    return [];
  }

  private async change(companyId: string, rawId: string, change: ChangeBatchCommand['change'], caller: Caller, request: FastifyRequest) {
    const company = await this.companies.byId(caller.accountId, companyId);
    const batchId = batchIdOf(rawId);
    batchOfCompany(await this.readStore.getBatch(caller.accountId, batchId), company, batchId);
    return asV2Batch(() => this.commands.execute(new ChangeBatchCommand({ accountId: caller.accountId, batchId }, change, eventMetadata(request, caller))));
  }
}
