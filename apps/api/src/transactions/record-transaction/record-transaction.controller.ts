import { Body, Inject, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import type { TransactionKey } from '@tax-ledger/transactions';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../../auth/caller';
import { AllowRoles, RECORD_TRANSACTIONS } from '../../auth/roles';
import { badRequest } from '../../common/api-error';
import { ValidBody } from '../../common/body-validation.pipe';
import { eventMetadata } from '../../common/event-metadata';
import { Idempotency } from '../../common/idempotency';
import { assertCompany, DOCUMENT_PATH, documentKey, documentKeyFromPath, documentLocation, parseIfMatch } from '../../common/route-params';
import { parseStrict, STRICT_QUERY } from '../../company-setup/coverage-policy';
import { ApiCalculatedDocument } from '../../company-setup/coverage.openapi';
import { LEDGER_CONFIG, type LedgerConfig } from '../../config';
import { TaxDocumentDto, toTaxDocument } from '../../tng-document/tax-document.dto';
import { presentTransaction } from '../../tng-document/tng-document.presenter';
import { TransactionRoutes } from '../transaction-routes';
import { RecordTransactionCommand } from './record-transaction.command';

/** Record a tax transaction record's next version: `POST /transactions`, the blueprint's long forms (`…/versions`), and `PUT`. */
@TransactionRoutes()
export class RecordTransactionController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly idempotency: Idempotency,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  @Post()
  @AllowRoles(RECORD_TRANSACTIONS)
  @ApiOperation({ summary: 'Create a tax transaction record (201), or a new version of a Recorded one (200); ?strict=true refuses uncovered content (422 ContentNotCovered)' })
  @ApiQuery(STRICT_QUERY)
  @ApiCalculatedDocument(201, 200)
  async record(
    @Body(ValidBody) body: TaxDocumentDto,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('strict') strict?: unknown,
  ) {
    const key = documentKey(caller, body.header.companyCode, body.header.transactionType, body.header.documentCode);
    return this.recordVersion(key, body, caller, request, reply, strict);
  }

  /**
   * The blueprint's long form: `POST /transactions` is shorthand for a POST to the document's
   * `…/versions` (a new version there, created when absent). The path names the document; the body's
   * codes must agree with it.
   */
  @Post(`${DOCUMENT_PATH}/versions`)
  @AllowRoles(RECORD_TRANSACTIONS)
  @ApiOperation({ summary: 'A new version of the tax transaction record named by the path (201 when created, 200 otherwise): what POST /transactions is shorthand for' })
  @ApiQuery(STRICT_QUERY)
  @ApiCalculatedDocument(201, 200)
  async recordAt(
    @Param() params: Record<string, string>,
    @Body(ValidBody) body: TaxDocumentDto,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('strict') strict?: unknown,
  ) {
    const key = documentKeyFromPath(caller, params);
    assertPathMatchesBody(key, body, ['companyCode', 'transactionType', 'documentCode']);
    await assertCompany(this.readStore, caller.accountId, key.companyCode); // the path names it: 404 when it is not this account's
    return this.recordVersion(key, body, caller, request, reply, strict);
  }

  /** The blueprint's form without the type: `/transactions/{companyCode}/{documentCode}/versions` (the type from the body). */
  @Post(':companyCode/:documentCode/versions')
  @AllowRoles(RECORD_TRANSACTIONS)
  @ApiOperation({ summary: 'A new version of the tax transaction record named by company and document code (the transaction type from the body)' })
  @ApiQuery(STRICT_QUERY)
  @ApiCalculatedDocument(201, 200)
  async recordAtWithoutType(
    @Param() params: Record<string, string>,
    @Body(ValidBody) body: TaxDocumentDto,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('strict') strict?: unknown,
  ) {
    const key = documentKeyFromPath(caller, { ...params, transactionType: body.header.transactionType ?? 'Sale' });
    assertPathMatchesBody(key, body, ['companyCode', 'documentCode']);
    await assertCompany(this.readStore, caller.accountId, key.companyCode);
    return this.recordVersion(key, body, caller, request, reply, strict);
  }

  @Put(DOCUMENT_PATH)
  @AllowRoles(RECORD_TRANSACTIONS)
  @ApiOperation({ summary: 'A new version of a Recorded tax transaction record (404 if absent, 405 if not Recorded); ?strict=true refuses uncovered content (422 ContentNotCovered)' })
  @ApiQuery(STRICT_QUERY)
  @ApiCalculatedDocument(200)
  async update(
    @Param() params: Record<string, string>,
    @Body(ValidBody) body: TaxDocumentDto,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('strict') strict?: unknown,
  ) {
    const strictRequested = parseStrict(strict);
    const key = documentKeyFromPath(caller, params);
    assertPathMatchesBody(key, body, ['companyCode', 'transactionType', 'documentCode']);
    const { view } = await this.idempotency.run(caller, request, (extra) =>
      this.commands.execute(
        new RecordTransactionCommand(key, toTaxDocument(body), 'revise', eventMetadata(request, caller, extra), { ifMatch: parseIfMatch(request.headers['if-match']) }, strictRequested),
      ),
    );
    reply.header('ETag', `"${view.versionId}"`);
    return presentTransaction(view);
  }

  /** Records the body as the document's next version (created when absent): 201 + Location, or 200. */
  private async recordVersion(key: TransactionKey, body: TaxDocumentDto, caller: Caller, request: FastifyRequest, reply: FastifyReply, strict: unknown) {
    const strictRequested = parseStrict(strict);
    const { view, created } = await this.idempotency.run(caller, request, (extra) =>
      this.commands.execute(
        new RecordTransactionCommand(key, toTaxDocument(body), 'createOrRevise', eventMetadata(request, caller, extra), { ifMatch: parseIfMatch(request.headers['if-match']) }, strictRequested),
      ),
    );
    reply.status(created ? 201 : 200).header('ETag', `"${view.versionId}"`);
    if (created) reply.header('Location', documentLocation(this.config.publicUrl, 'transactions', key));
    return presentTransaction(view);
  }
}

/** The document named by the path and the one in the body must be the same (400 PathBodyMismatch naming the field). */
function assertPathMatchesBody(key: TransactionKey, body: TaxDocumentDto, fields: Array<'companyCode' | 'transactionType' | 'documentCode'>): void {
  for (const field of fields) {
    if (body.header[field] !== key[field]) {
      throw badRequest('PathBodyMismatch', `header.${field} "${body.header[field]}" differs from the ${field} in the path "${key[field]}".`, `header.${field}`);
    }
  }
}
