import { Body, Controller, Get, Inject, Param, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  LedgerError,
  parseStateTransition,
  parseTransactionState,
  STATE_TRANSITIONS,
  TRANSACTION_STATES,
  transactionNotFound,
} from '@tax-ledger/ledger';
import {
  projectTransaction,
  projectTransactionVersion,
  type TransactionKey,
  transactionStreamName,
  type TransactionVersionView,
  type TransactionView,
} from '@tax-ledger/transactions';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import type { TaxDocument, TransactionType } from '@tax-ledger/tax-engine';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../auth/caller';
import { LEDGER_CONFIG, type LedgerConfig } from '../config';
import { TngAuthGuard } from '../auth/tng-auth.guard';
import { AllowRoles, RECORD_TRANSACTIONS } from '../auth/roles';
import { badRequest } from '../common/api-error';
import { assertCompany, encodeSegment, parseIfMatch, parseTransactionType } from '../common/route-params';
import { HistoryPageQueryDto, VersionsPageQueryDto } from '../common/page-query.dto';
import { collectPage, MAX_PAGE_ITEMS, nextPageUrl, sendJson } from '../common/paging';
import { ValidBody } from '../common/body-validation.pipe';
import { parseStrict, STRICT_QUERY } from '../company-setup/coverage-policy';
import { ApiCalculatedDocument, ApiStoredDocument } from '../company-setup/coverage.openapi';
import { eventMetadata } from '../common/event-metadata';
import { ChangeTransactionStateCommand } from './commands/change-transaction-state.command';
import { RecordTransactionCommand } from './commands/record-transaction.command';
import { assertDateRange, DEFAULT_LIST_LIMIT, ListTransactionsQueryDto } from '../tng-document/list-documents.query.dto';
import { StateTransitionDto } from './dto/state-transition.dto';
import { TaxDocumentDto, toTaxDocument } from '../tng-document/tax-document.dto';
import { GetTransactionQuery, GetTransactionVersionQuery } from './queries/transaction.queries';
import { Idempotency } from '../common/idempotency';
import { type TransactionOrderFilter, transactionsInOrder } from './queries/transactions-in-order';
import { presentTransaction, presentVersion } from '../tng-document/tng-document.presenter';
import { DocumentHistoryService } from '../history/document-history.service';

const DOCUMENT_PATH = ':companyCode/:transactionType/:documentCode';

@ApiTags('TNG transactions')
@ApiSecurity('AvalaraAuth')
@ApiHeader({ name: 'Accept', required: true, example: 'application/json; tax-version=1' })
@ApiHeader({ name: 'X-Avalara-AccountId', required: true })
@UseGuards(TngAuthGuard)
@Controller('transactions')
export class TransactionsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly idempotency: Idempotency,
    private readonly history: DocumentHistoryService,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  /** Location of a document: relative, or absolute under LEDGER_PUBLIC_URL (never built from the Host header). */
  private location(key: TransactionKey): string {
    const path = `/transactions/${[key.companyCode, key.transactionType, key.documentCode].map(encodeSegment).join('/')}`;
    return `${this.config.publicUrl ?? ''}${path}`;
  }

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
    const key = this.keyOf(caller, body.header.companyCode, body.header.transactionType, body.header.documentCode);
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
    const key = this.keyFromPath(caller, params);
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
    const key = this.keyFromPath(caller, { ...params, transactionType: body.header.transactionType ?? 'Sale' });
    assertPathMatchesBody(key, body, ['companyCode', 'documentCode']);
    await assertCompany(this.readStore, caller.accountId, key.companyCode);
    return this.recordVersion(key, body, caller, request, reply, strict);
  }

  /** Records the body as the document's next version (created when absent): 201 + Location, or 200. */
  private async recordVersion(key: TransactionKey, body: TaxDocumentDto, caller: Caller, request: FastifyRequest, reply: FastifyReply, strict: unknown) {
    const strictRequested = parseStrict(strict);
    const { view, created } = await this.idempotency.run(caller, request, (extra) =>
      this.commands.execute(
        new RecordTransactionCommand(
          key,
          toTaxDocument(body),
          'createOrRevise',
          eventMetadata(request, caller, extra),
          { ifMatch: parseIfMatch(request.headers['if-match']) },
          strictRequested,
        ),
      ),
    );
    reply.status(created ? 201 : 200).header('ETag', `"${view.versionId}"`);
    if (created) reply.header('Location', this.location(key));
    return presentTransaction(view);
  }

  @Get(':companyCode')
  @ApiOperation({ summary: 'List tax transaction records of a company (a page: limit entries, at most about 10,000 lines; Link rel="next")' })
  listByCompany(
    @Param('companyCode') companyCode: string,
    @Query(ValidBody) query: ListTransactionsQueryDto,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.list(caller, companyCode, undefined, query, request, reply);
  }

  @Get(':companyCode/:transactionType')
  @ApiOperation({ summary: 'List tax transaction records of a company and transaction type (paged like the company list)' })
  listByType(
    @Param('companyCode') companyCode: string,
    @Param('transactionType') transactionType: string,
    @Query(ValidBody) query: ListTransactionsQueryDto,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.list(caller, companyCode, parseTransactionType(transactionType), query, request, reply);
  }

  @Get(DOCUMENT_PATH)
  @ApiOperation({ summary: 'The latest version of a tax transaction record (?asOf=<ISO 8601>: as it stood then)' })
  @ApiStoredDocument()
  async get(
    @Param() params: Record<string, string>,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('asOf') asOf?: string,
  ) {
    const key = this.keyFromPath(caller, params);
    const view = asOf === undefined ? await this.findLatest(key) : await this.findAsOf(key, asOf);
    reply.header('ETag', `"${view.versionId}"`);
    return presentTransaction(view);
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
    const key = this.keyFromPath(caller, params);
    assertPathMatchesBody(key, body, ['companyCode', 'transactionType', 'documentCode']);
    const { view } = await this.idempotency.run(caller, request, (extra) =>
      this.commands.execute(
        new RecordTransactionCommand(
          key,
          toTaxDocument(body),
          'revise',
          eventMetadata(request, caller, extra),
          { ifMatch: parseIfMatch(request.headers['if-match']) },
          strictRequested,
        ),
      ),
    );
    reply.header('ETag', `"${view.versionId}"`);
    return presentTransaction(view);
  }

  @Post(`${DOCUMENT_PATH}/stateTransitions`)
  @ApiOperation({ summary: `Send a state change event: ${STATE_TRANSITIONS.join(', ')} (who may send which: docs/onboarding.md; FiledByAvalara: system filer only)` })
  async changeState(
    @Param() params: Record<string, string>,
    @Body(ValidBody) body: StateTransitionDto,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const key = this.keyFromPath(caller, params);
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
    reply.status(201).header('Location', this.location(key)).header('ETag', `"${view.versionId}"`);
    return presentTransaction(view);
  }

  @Get(`${DOCUMENT_PATH}/history`)
  @ApiOperation({ summary: 'The events of a tax transaction record, a page at a time (startRevision, limit ≤ 100; nextLink): who, when, why, states and what changed between versions' })
  async documentHistory(
    @Param() params: Record<string, string>,
    @Query(ValidBody) query: HistoryPageQueryDto,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const key = this.keyFromPath(caller, params);
    const limit = query.limit ?? MAX_PAGE_ITEMS;
    const page = await this.history.historyPage(transactionStreamName(key), query.startRevision ?? 0, limit);
    if (!page) throw transactionNotFound(key.documentCode);
    const next = page.next === undefined ? null : this.pageUrl(request, { startRevision: page.next, limit });
    const head = JSON.stringify({ companyCode: key.companyCode, transactionType: key.transactionType, documentCode: key.documentCode });
    return sendJson(reply, `${head.slice(0, -1)},"events":${page.json},"nextLink":${JSON.stringify(next)}}`, next ?? undefined);
  }

  @Get(`${DOCUMENT_PATH}/versions`)
  @ApiOperation({ summary: 'The versions of a tax transaction record, oldest first, a page at a time (startVersion, limit ≤ 100, at most about 10,000 lines; Link rel="next")' })
  @ApiStoredDocument(true)
  async versions(
    @Param() params: Record<string, string>,
    @Query(ValidBody) query: VersionsPageQueryDto,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const key = this.keyFromPath(caller, params);
    const latest = await this.findLatest(key);
    const limit = query.limit ?? MAX_PAGE_ITEMS;
    const page = await collectPage(this.versionsFrom(key, query.startVersion ?? 1, latest.version), {
      limit,
      lines: (v) => v.document.lines.length,
      present: (v) => presentVersion(v, latest),
      cursor: (v) => v.version,
    });
    return sendJson(reply, page.json, page.next === undefined ? undefined : this.pageUrl(request, { startVersion: page.next, limit }));
  }

  /** Versions `first`..`last`, read one at a time. */
  private async *versionsFrom(key: TransactionKey, first: number, last: number): AsyncGenerator<TransactionVersionView> {
    for (let n = first; n <= last; n++) {
      const version: TransactionVersionView | null = await this.queries.execute(new GetTransactionVersionQuery(key, n));
      if (version) yield version;
    }
  }

  /** The next page's address, absolute under LEDGER_PUBLIC_URL like Location. */
  private pageUrl(request: FastifyRequest, changes: Record<string, string | number>): string {
    return `${this.config.publicUrl ?? ''}${nextPageUrl(request.url, changes)}`;
  }

  @Get(`${DOCUMENT_PATH}/versions/:version`)
  @ApiOperation({ summary: 'One version of a tax transaction record (?asOf=<ISO 8601>: with the state it had then)' })
  @ApiStoredDocument()
  async version(@Param() params: Record<string, string>, @CurrentCaller() caller: Caller, @Query('asOf') asOf?: string) {
    const key = this.keyFromPath(caller, params);
    if (!/^[1-9]\d{0,8}$/.test(params.version)) throw badRequest('InvalidVersion', 'version must be a positive integer.', 'version');
    if (asOf !== undefined) return this.versionAsOf(key, Number(params.version), asOf);
    const latest = await this.findLatest(key);
    const version: TransactionVersionView | null = await this.queries.execute(new GetTransactionVersionQuery(key, Number(params.version)));
    if (!version) {
      throw new LedgerError('TransactionVersionNotFound', `Version ${params.version} of "${key.documentCode}" does not exist.`, 'not_found', 'version');
    }
    return presentVersion(version, latest);
  }

  private async list(caller: Caller, companyCode: string, transactionType: TransactionType | undefined, query: ListTransactionsQueryDto, request: FastifyRequest, reply: FastifyReply) {
    const states = query.include
      ?.split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map((s) => {
        const state = parseTransactionState(s);
        if (!state) throw badRequest('InvalidInclude', `include may list only ${TRANSACTION_STATES.join(', ')}; "${s}" is not a state.`, 'include');
        return state;
      });
    assertDateRange(query);
    const filter: TransactionOrderFilter = {
      companyCode,
      transactionType,
      startDate: query.startDate,
      endDate: query.endDate,
      states: states?.length ? states : undefined,
      warnings: query.warnings === undefined ? undefined : query.warnings === 'true',
    };
    const page = await collectPage(transactionsInOrder(this.queries, caller.accountId, filter, query.startCode), {
      limit: query.limit ?? DEFAULT_LIST_LIMIT,
      lines: (v) => v.document.lines.length,
      present: presentTransaction,
      cursor: (v) => v.documentCode,
      // startCode cannot point between a Sale and a Purchase of the same code: a page never splits them.
      group: (v) => v.documentCode,
    });
    return sendJson(reply, page.json, page.next === undefined ? undefined : this.pageUrl(request, { startCode: page.next }));
  }

  private async findLatest(key: TransactionKey): Promise<TransactionView> {
    const view: TransactionView | null = await this.queries.execute(new GetTransactionQuery(key));
    if (!view) throw transactionNotFound(key.documentCode);
    return view;
  }

  /** The document as it stood at `asOf`, folded from its events (404 when it did not exist yet). */
  private async findAsOf(key: TransactionKey, asOf: string): Promise<TransactionView> {
    const events = await this.history.eventsAsOf(transactionStreamName(key), asOf);
    const view = events.reduce<TransactionView | null>(projectTransaction, null);
    if (!view) throw transactionNotFound(key.documentCode);
    return view;
  }

  private async versionAsOf(key: TransactionKey, version: number, asOf: string) {
    const events = await this.history.eventsAsOf(transactionStreamName(key), asOf);
    const latest = events.reduce<TransactionView | null>(projectTransaction, null);
    if (!latest) throw transactionNotFound(key.documentCode);
    const found = events.map(projectTransactionVersion).find((v) => v?.version === version);
    if (!found) {
      throw new LedgerError('TransactionVersionNotFound', `Version ${version} of "${key.documentCode}" did not exist at ${asOf}.`, 'not_found', 'version');
    }
    return presentVersion(found, latest);
  }

  private keyFromPath(caller: Caller, params: Record<string, string>): TransactionKey {
    return this.keyOf(caller, params.companyCode, parseTransactionType(params.transactionType), params.documentCode);
  }

  private keyOf(caller: Caller, companyCode: string, transactionType: TransactionType, documentCode: string): TransactionKey {
    return { accountId: caller.accountId, companyCode, transactionType, documentCode };
  }
}

/** The validated DTO as a plain TaxDocument (class instances are not stored in events). */

/** The document named by the path and the one in the body must be the same (400 PathBodyMismatch naming the field). */
function assertPathMatchesBody(key: TransactionKey, body: TaxDocumentDto, fields: Array<'companyCode' | 'transactionType' | 'documentCode'>): void {
  for (const field of fields) {
    if (body.header[field] !== key[field]) {
      throw badRequest('PathBodyMismatch', `header.${field} "${body.header[field]}" differs from the ${field} in the path "${key[field]}".`, `header.${field}`);
    }
  }
}
