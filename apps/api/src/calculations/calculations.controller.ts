import { AllowRoles, RECORD_TRANSACTIONS } from '../auth/roles';
import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  type CalculationKey,
  calculationNotFound,
  calculationStreamName,
  type CalculationView,
  projectCalculation,
} from '@tax-ledger/calculations';
import { LedgerError } from '@tax-ledger/ledger';
import { type TransactionKey, type TransactionView } from '@tax-ledger/transactions';
import type { TaxDocument, TransactionType } from '@tax-ledger/tax-engine';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { type Caller, CurrentCaller } from '../auth/caller';
import { TngAuthGuard } from '../auth/tng-auth.guard';
import { badRequest } from '../common/api-error';
import { HistoryPageQueryDto, VersionsPageQueryDto } from '../common/page-query.dto';
import { collectPage, MAX_PAGE_ITEMS, nextPageUrl, sendJson } from '../common/paging';
import { ValidBody } from '../common/body-validation.pipe';
import { parseStrict, STRICT_QUERY } from '../company-setup/coverage-policy';
import { ApiCalculatedDocument } from '../company-setup/coverage.openapi';
import { eventMetadata } from '../common/event-metadata';
import { LEDGER_CONFIG, type LedgerConfig } from '../config';
import { DocumentHistoryService } from '../history/document-history.service';
import { assertDateRange, DEFAULT_LIST_LIMIT } from '../tng-document/list-documents.query.dto';
import { type CommandOutcome, Idempotency } from '../common/idempotency';
import { presentTransaction } from '../tng-document/tng-document.presenter';
import { encodeSegment, parseIfMatch, parseTransactionType } from '../common/route-params';
import { presentCalculation } from './calculation.presenter';
import { CreateTransactionFromCalculationCommand } from './commands/create-transaction-from-calculation.command';
import { RecordCalculationCommand } from './commands/record-calculation.command';
import { toTaxDocument } from '../tng-document/tax-document.dto';
import { CalculationDocumentDto, ListCalculationsQueryDto, TransactionFromCalculationDto } from './dto/calculation.dto';
import { GetCalculationQuery, ListCalculationsQuery } from './queries/calculation.queries';
import { TaxCalculationRepository } from '../document-write/tax-calculation.repository';

const DOCUMENT_PATH = ':companyCode/:transactionType/:documentCode';

/** A generated documentCode: 32 hex characters (the seed: "default for calculations: a generated string ID"). */
const generateDocumentCode = () => randomUUID().replace(/-/g, '');

/**
 * TNG tax calculation records (seed "Group Tax Calculation Records"): calculated and kept as versions,
 * never filed; a calculation can be turned into a tax transaction record.
 */
@ApiTags('TNG calculations')
@ApiSecurity('AvalaraAuth')
@ApiHeader({ name: 'Accept', required: true, example: 'application/json; tax-version=1' })
@ApiHeader({ name: 'X-Avalara-AccountId', required: true })
@UseGuards(TngAuthGuard)
@Controller('calculations')
export class CalculationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly idempotency: Idempotency,
    private readonly history: DocumentHistoryService,
    private readonly calculations: TaxCalculationRepository,
  ) {}

  private location(resource: 'calculations' | 'transactions', key: TransactionKey): string {
    const path = `/${resource}/${[key.companyCode, key.transactionType, key.documentCode].map(encodeSegment).join('/')}`;
    return `${this.config.publicUrl ?? ''}${path}`;
  }

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
    const key = this.keyOf(caller, document.header.companyCode, document.header.transactionType, document.header.documentCode);
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
    if (created) reply.header('Location', this.location('calculations', key));
    return presentCalculation(view);
  }

  @Get(':companyCode')
  @ApiOperation({ summary: 'List tax calculation records of a company' })
  listByCompany(@Param('companyCode') companyCode: string, @Query(ValidBody) query: ListCalculationsQueryDto, @CurrentCaller() caller: Caller) {
    return this.list(caller, companyCode, undefined, query);
  }

  @Get(':companyCode/:transactionType')
  @ApiOperation({ summary: 'List tax calculation records of a company and transaction type' })
  listByType(
    @Param('companyCode') companyCode: string,
    @Param('transactionType') transactionType: string,
    @Query(ValidBody) query: ListCalculationsQueryDto,
    @CurrentCaller() caller: Caller,
  ) {
    return this.list(caller, companyCode, parseTransactionType(transactionType), query);
  }

  @Get(DOCUMENT_PATH)
  @ApiOperation({ summary: 'The latest version of a tax calculation record (?asOf=<ISO 8601>: the version current then)' })
  async get(
    @Param() params: Record<string, string>,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('asOf') asOf?: string,
  ) {
    const key = this.keyFromPath(caller, params);
    const view: CalculationView | null =
      asOf === undefined
        ? await this.queries.execute(new GetCalculationQuery(key))
        : (await this.history.eventsAsOf(calculationStreamName(key), asOf)).reduce<CalculationView | null>(projectCalculation, null);
    if (!view) throw calculationNotFound(key.documentCode);
    reply.header('ETag', `"${view.versionId}"`);
    return presentCalculation(view);
  }

  @Get(`${DOCUMENT_PATH}/history`)
  @ApiOperation({ summary: 'The events of a tax calculation record, a page at a time (startRevision, limit ≤ 100; nextLink): who, when, and what changed between versions' })
  async documentHistory(
    @Param() params: Record<string, string>,
    @Query(ValidBody) query: HistoryPageQueryDto,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const key = this.keyFromPath(caller, params);
    const limit = query.limit ?? MAX_PAGE_ITEMS;
    // No filing state: a calculation is never Recorded for filing, Voided or Filed.
    const page = await this.history.historyPage(calculationStreamName(key), query.startRevision ?? 0, limit, { stateAfterVersion: null });
    if (!page) throw calculationNotFound(key.documentCode);
    const next = page.next === undefined ? null : this.pageUrl(request, { startRevision: page.next, limit });
    const head = JSON.stringify({ companyCode: key.companyCode, transactionType: key.transactionType, documentCode: key.documentCode });
    return sendJson(reply, `${head.slice(0, -1)},"events":${page.json},"nextLink":${JSON.stringify(next)}}`, next ?? undefined);
  }

  @Get(`${DOCUMENT_PATH}/versions`)
  @ApiOperation({ summary: 'The versions of a tax calculation record, oldest first, a page at a time (startVersion, limit ≤ 100, at most about 10,000 lines; Link rel="next")' })
  async versions(
    @Param() params: Record<string, string>,
    @Query(ValidBody) query: VersionsPageQueryDto,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const key = this.keyFromPath(caller, params);
    const limit = query.limit ?? MAX_PAGE_ITEMS;
    const startVersion = query.startVersion ?? 1;
    const page = await collectPage(this.calculations.versionsFrom(key, startVersion), {
      limit,
      lines: (v) => v.document.lines.length,
      present: presentCalculation,
      cursor: (v) => v.version,
    });
    if (page.count === 0 && !(await this.calculations.version(key, 1))) throw calculationNotFound(key.documentCode);
    return sendJson(reply, page.json, page.next === undefined ? undefined : this.pageUrl(request, { startVersion: page.next, limit }));
  }

  /** The next page's address, absolute under LEDGER_PUBLIC_URL like Location. */
  private pageUrl(request: FastifyRequest, changes: Record<string, string | number>): string {
    return `${this.config.publicUrl ?? ''}${nextPageUrl(request.url, changes)}`;
  }

  @Get(`${DOCUMENT_PATH}/versions/:version`)
  @ApiOperation({ summary: 'One version of a tax calculation record' })
  async version(@Param() params: Record<string, string>, @CurrentCaller() caller: Caller) {
    const key = this.keyFromPath(caller, params);
    if (!/^[1-9]\d{0,8}$/.test(params.version)) throw badRequest('InvalidVersion', 'version must be a positive integer.', 'version');
    const found = await this.calculations.version(key, Number(params.version));
    if (!found && !(await this.calculations.version(key, 1))) throw calculationNotFound(key.documentCode);
    if (!found) throw new LedgerError('CalculationVersionNotFound', `Version ${params.version} of "${key.documentCode}" does not exist.`, 'not_found', 'version');
    return presentCalculation(found);
  }

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
    const calculationKey = this.keyFromPath(caller, params);
    const { view } = await this.idempotency.run(caller, request, (extra) =>
      this.commands.execute<CreateTransactionFromCalculationCommand, CommandOutcome<TransactionView>>(
        new CreateTransactionFromCalculationCommand(calculationKey, body.documentCode, body.recalculate ?? true, body.comment, eventMetadata(request, caller, extra)),
      ),
    );
    reply.status(201).header('Location', this.location('transactions', { ...calculationKey, documentCode: view.documentCode })).header('ETag', `"${view.versionId}"`);
    return presentTransaction(view);
  }

  private async list(caller: Caller, companyCode: string, transactionType: TransactionType | undefined, query: ListCalculationsQueryDto) {
    assertDateRange(query);
    const views: CalculationView[] = await this.queries.execute(
      new ListCalculationsQuery(caller.accountId, {
        companyCode,
        transactionType,
        limit: query.limit ?? DEFAULT_LIST_LIMIT,
        startCode: query.startCode,
        startDate: query.startDate,
        endDate: query.endDate,
      }),
    );
    return views.map(presentCalculation);
  }

  private keyFromPath(caller: Caller, params: Record<string, string>): CalculationKey {
    return this.keyOf(caller, params.companyCode, parseTransactionType(params.transactionType), params.documentCode);
  }

  private keyOf(caller: Caller, companyCode: string, transactionType: TransactionType, documentCode: string): CalculationKey {
    return { accountId: caller.accountId, companyCode, transactionType, documentCode };
  }
}
