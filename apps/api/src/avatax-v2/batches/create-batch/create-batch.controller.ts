import { Body, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiOperation } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../../../auth/caller';
import { AllowRoles, RECORD_TRANSACTIONS } from '../../../auth/roles';
import { ApiAnswers } from '../../../common/api-answers';
import { ApiError } from '../../../common/api-error';
import { eventMetadata } from '../../../common/event-metadata';
import { CompanyQueries } from '../../../onboarding/company.queries';
import { v2Error, valueRequired } from '../../avatax-codes';
import { BATCH, BATCHES } from '../batch.openapi';
import { presentBatch } from '../batch.presenter';
import { V2BatchRoutes } from '../batch-routes';
import { CreateBatchCommand } from './create-batch.command';

/** AvaTax's BatchType in the SDK's ordinal order (the SDK sends `Enums.BatchType.TransactionImport` as 10). */
const BATCH_TYPES = [
  'AvaCertUpdate', 'AvaCertUpdateAll', 'BatchMaintenance', 'CompanyLocationImport', 'DocumentImport', 'ExemptCertImport', 'ItemImport', 'SalesAuditExport',
  'SstpTestDeckImport', 'TaxRuleImport', 'TransactionImport', 'UPCBulkImport', 'UPCValidationImport', 'CustomerSupplierImport', 'VarianceImport',
  'CostCenterImport', 'GLAccountImport', 'AdvancedRulesImport', 'ItemImportV2', 'VatValidationImport', 'TxnWithDynamicParamBag', 'CustomRuleImport',
];
/** A createBatches call takes at most this many batches. */
const MAX_BATCHES_PER_CALL = 10;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function batchName(value: unknown, target: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw valueRequired(target);
  if (value.length > 50) throw v2Error(400, 'StringLengthError', `${target} is at most 50 characters.`, target);
  return value.trim();
}

/** One BatchModel of a createBatches body: a TransactionImport with one CSV file, base64. */
function toImport(model: unknown, i: number) {
  const at = `[${i}]`;
  if (!isObject(model)) throw new ApiError(400, 'ModelRequiredException', `${at} must be a BatchModel object.`, at);
  const type = typeof model.type === 'number' ? BATCH_TYPES[model.type] : typeof model.type === 'string' ? BATCH_TYPES.find((t) => t.toLowerCase() === String(model.type).toLowerCase()) : undefined;
  if (model.type === undefined || model.type === null) throw valueRequired(`${at}.type`);
  if (!type) throw v2Error(400, 'InvalidEnumValue', `${at}.type "${String(model.type)}" is not an AvaTax BatchType.`, `${at}.type`);
  if (type !== 'TransactionImport') {
    throw v2Error(400, 'UnsupportedBatchType', `Batch type ${type} is not supported by tax-ledger; only TransactionImport (transactions in AvaTax's TransactionImport CSV template) is.`, `${at}.type`);
  }
  const name = batchName(model.name, `${at}.name`);
  if (!Array.isArray(model.files) || model.files.length !== 1) throw v2Error(400, 'ValueRequiredError', `${at}.files must hold exactly one file (AvaTax takes one file per batch).`, `${at}.files`);
  const file = model.files[0] as unknown;
  if (!isObject(file) || typeof file.content !== 'string' || file.content === '') throw valueRequired(`${at}.files[0].content`);
  if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(file.content)) throw v2Error(400, 'InvalidBatchFile', `${at}.files[0].content must be the file in base64.`, `${at}.files[0].content`);
  const extension = typeof file.fileExtension === 'string' && file.fileExtension !== '' ? file.fileExtension.replace(/^\./, '').toLowerCase() : 'csv';
  if (extension !== 'csv') throw v2Error(400, 'UnsupportedFileType', `${at}.files[0] is .${extension}; tax-ledger reads CSV batch files (save XLS/XLSX as CSV).`, `${at}.files[0].fileExtension`);
  return {
    name,
    batchType: 'TransactionImport' as const,
    ...(typeof model.options === 'string' ? { options: model.options } : {}),
    file: { name: typeof file.name === 'string' && file.name !== '' ? file.name : `${name}.csv`, contentType: 'text/csv', fileExtension: 'csv', content: Buffer.from(file.content, 'base64').toString('utf8') },
  };
}

/** createBatches (a TransactionImport CSV) and createTransactionBatch (a JSON list of create / adjust / createOrAdjust / void). */
@V2BatchRoutes()
export class CreateBatchController {
  constructor(
    private readonly commands: CommandBus,
    private readonly companies: CompanyQueries,
  ) {}

  @Post('companies/:companyId/batches')
  @HttpCode(201)
  @AllowRoles(RECORD_TRANSACTIONS)
  @ApiOperation({
    summary:
      'createBatches: BatchModel[] of type TransactionImport, each with one base64 CSV file in AvaTax\'s TransactionImport template (ProcessCode 0 void, 1/2 tax override, 3 new, 4 adjust); processed in the background. Other batch types: 400 UnsupportedBatchType',
  })
  @ApiBody({ schema: { type: 'array', items: { type: 'object', required: ['type', 'name', 'files'], properties: { type: { oneOf: [{ type: 'string' }, { type: 'integer' }] }, name: { type: 'string' }, options: { type: 'string' }, files: { type: 'array', items: { type: 'object', required: ['content'], properties: { name: { type: 'string' }, content: { type: 'string', description: 'base64' }, fileExtension: { type: 'string' } } } } } } } })
  @ApiAnswers(201, BATCHES, 'The batches created (Waiting)', [404])
  async createBatches(@Param('companyId') companyId: string, @Body() body: unknown, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const company = await this.companies.byId(caller.accountId, companyId);
    if (!Array.isArray(body) || body.length === 0) throw new ApiError(400, 'ModelRequiredException', 'The request body must be a non-empty array of BatchModel.', 'model');
    if (body.length > MAX_BATCHES_PER_CALL) throw v2Error(400, 'EntityLimitExceeded', `At most ${MAX_BATCHES_PER_CALL} batches in one call.`, 'model');
    // Every model is checked before the first batch is created.
    const imports = body.map(toImport);
    const created = [];
    for (const batch of imports) created.push(presentBatch(await this.create(caller, request, company, batch)));
    return created;
  }

  @Post('companies/:companyId/batches/transactions')
  @HttpCode(201)
  @AllowRoles(RECORD_TRANSACTIONS)
  @ApiOperation({
    summary:
      'createTransactionBatch: { name, transactions: TransactionBatchItemModel[] } (each one of createTransactionModel, adjustTransactionModel, createOrAdjustTransactionModel, voidTransactionModel); processed in the background, one result per transaction',
  })
  @ApiBody({ schema: { type: 'object', required: ['name', 'transactions'], properties: { name: { type: 'string' }, options: { type: 'string' }, skipTransactionValidation: { type: 'boolean' }, transactions: { type: 'array', items: { type: 'object' } } } } })
  @ApiAnswers(201, BATCH, 'The batch created (Waiting)', [404])
  async createTransactionBatch(@Param('companyId') companyId: string, @Body() body: unknown, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const company = await this.companies.byId(caller.accountId, companyId);
    if (!isObject(body)) throw new ApiError(400, 'ModelRequiredException', 'The request body must be a CreateTransactionBatchRequestModel object.', 'model');
    const name = batchName(body.name, 'name');
    const batch = {
      name,
      batchType: 'TransactionBatch' as const,
      ...(typeof body.options === 'string' ? { options: body.options } : {}),
      file: { name: `${name}.json`, contentType: 'application/json', fileExtension: 'json', content: JSON.stringify(body.transactions ?? null) },
    };
    return presentBatch(await this.create(caller, request, company, batch));
  }

  private create(caller: Caller, request: FastifyRequest, company: { companyCode: string; companyId?: number }, batch: ConstructorParameters<typeof CreateBatchCommand>[1] extends infer B ? Omit<B, 'companyCode' | 'companyId' | 'createdBy'> : never) {
    return this.commands.execute(
      new CreateBatchCommand(
        caller.accountId,
        { ...batch, companyCode: company.companyCode, companyId: company.companyId ?? 0, createdBy: { actor: caller.actor, credentialId: caller.credentialId, role: caller.role } },
        eventMetadata(request, caller),
      ),
    );
  }
}
