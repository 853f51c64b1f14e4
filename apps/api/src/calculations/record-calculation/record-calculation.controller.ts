import { Body, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import { type CalculationView, projectCalculation } from '@tax-ledger/calculations';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { type Caller, CurrentCaller } from '../../auth/caller';
import { AllowRoles, RECORD_TRANSACTIONS } from '../../auth/roles';
import { ValidBody } from '../../common/body-validation.pipe';
import { eventMetadata } from '../../common/event-metadata';
import { type CommandOutcome, Idempotency } from '../../common/idempotency';
import { documentKey, documentLocation, parseIfMatch } from '../../common/route-params';
import { parseStrict, STRICT_QUERY } from '../../company-setup/coverage-policy';
import { ApiCalculatedDocument } from '../../company-setup/coverage.openapi';
import { LEDGER_CONFIG, type LedgerConfig } from '../../config';
import { toTaxDocument } from '../../tng-document/tax-document.dto';
import { presentCalculation } from '../calculation.presenter';
import { CalculationRoutes } from '../calculation-routes';
import { CalculationDocumentDto } from './calculation.dto';
import { RecordCalculationCommand } from './record-calculation.command';

/** A generated documentCode: 32 hex characters (the seed: "default for calculations: a generated string ID"). */
const generateDocumentCode = () => randomUUID().replace(/-/g, '');

/** `POST /calculations`: calculate a document and keep it as a tax calculation record's next version. */
@CalculationRoutes()
export class RecordCalculationController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly idempotency: Idempotency,
  ) {}

  @Post()
  @AllowRoles(RECORD_TRANSACTIONS)
  @ApiOperation({ summary: 'Calculate and record a tax calculation record (201), or a new version of one with the same company and documentCode (200)' })
  @ApiQuery(STRICT_QUERY)
  @ApiCalculatedDocument(201, 200)
  async calculate(
    @Body(ValidBody) body: CalculationDocumentDto,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('strict') strict?: unknown,
  ) {
    const strictRequested = parseStrict(strict);
    const document = toTaxDocument(body);
    document.header.documentCode ??= generateDocumentCode();
    const key = documentKey(caller, document.header.companyCode, document.header.transactionType, document.header.documentCode);
    const { view, created } = await this.idempotency.run<CalculationView>(
      caller,
      request,
      (extra) =>
        this.commands.execute<RecordCalculationCommand, CommandOutcome<CalculationView>>(
          new RecordCalculationCommand(key, document, eventMetadata(request, caller, extra), { ifMatch: parseIfMatch(request.headers['if-match']) }, strictRequested),
        ),
      projectCalculation,
    );
    reply.status(created ? 201 : 200).header('ETag', `"${view.versionId}"`);
    if (created) reply.header('Location', documentLocation(this.config.publicUrl, 'calculations', key));
    return presentCalculation(view);
  }
}
