import { Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation } from '@nestjs/swagger';
import { LedgerError, transactionNotFound } from '@tax-ledger/ledger';
import {
  projectTransaction,
  projectTransactionVersion,
  type TransactionKey,
  transactionStreamName,
  type TransactionVersionView,
  type TransactionView,
} from '@tax-ledger/transactions';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../../auth/caller';
import { badRequest } from '../../common/api-error';
import { ValidBody } from '../../common/body-validation.pipe';
import { DOCUMENT_PATH, documentKeyFromPath } from '../../common/route-params';
import { VersionsPageQueryDto } from '../../common/page-query.dto';
import { collectPage, MAX_PAGE_ITEMS, nextPageUrl, sendJson } from '../../common/paging';
import { ApiStoredDocument } from '../../company-setup/coverage.openapi';
import { LEDGER_CONFIG, type LedgerConfig } from '../../config';
import { DocumentHistoryService } from '../../history/document-history.service';
import { presentTransaction, presentVersion } from '../../tng-document/tng-document.presenter';
import { TransactionRoutes } from '../transaction-routes';
import { findLatestTransaction, GetTransactionVersionQuery } from './get-transaction.query';

/** Read a tax transaction record: its latest version, one version, all versions; as it stood at `asOf`. */
@TransactionRoutes()
export class GetTransactionController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly history: DocumentHistoryService,
  ) {}

  @Get(DOCUMENT_PATH)
  @ApiOperation({ summary: 'The latest version of a tax transaction record (?asOf=<ISO 8601>: as it stood then)' })
  @ApiStoredDocument()
  async get(
    @Param() params: Record<string, string>,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('asOf') asOf?: string,
  ) {
    const key = documentKeyFromPath(caller, params);
    const view = asOf === undefined ? await findLatestTransaction(this.queries, key) : await this.findAsOf(key, asOf);
    reply.header('ETag', `"${view.versionId}"`);
    return presentTransaction(view);
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
    const key = documentKeyFromPath(caller, params);
    const latest = await findLatestTransaction(this.queries, key);
    const limit = query.limit ?? MAX_PAGE_ITEMS;
    const page = await collectPage(this.versionsFrom(key, query.startVersion ?? 1, latest.version), {
      limit,
      lines: (v) => v.document.lines.length,
      present: (v) => presentVersion(v, latest),
      cursor: (v) => v.version,
    });
    const next = page.next === undefined ? undefined : nextPageUrl(request.url, { startVersion: page.next, limit }, this.config.publicUrl);
    return sendJson(reply, page.json, next);
  }

  @Get(`${DOCUMENT_PATH}/versions/:version`)
  @ApiOperation({ summary: 'One version of a tax transaction record (?asOf=<ISO 8601>: with the state it had then)' })
  @ApiStoredDocument()
  async version(@Param() params: Record<string, string>, @CurrentCaller() caller: Caller, @Query('asOf') asOf?: string) {
    const key = documentKeyFromPath(caller, params);
    if (!/^[1-9]\d{0,8}$/.test(params.version)) throw badRequest('InvalidVersion', 'version must be a positive integer.', 'version');
    if (asOf !== undefined) return this.versionAsOf(key, Number(params.version), asOf);
    const latest = await findLatestTransaction(this.queries, key);
    const version: TransactionVersionView | null = await this.queries.execute(new GetTransactionVersionQuery(key, Number(params.version)));
    if (!version) {
      throw new LedgerError('TransactionVersionNotFound', `Version ${params.version} of "${key.documentCode}" does not exist.`, 'not_found', 'version');
    }
    return presentVersion(version, latest);
  }

  /** Versions `first`..`last`, read one at a time. */
  private async *versionsFrom(key: TransactionKey, first: number, last: number): AsyncGenerator<TransactionVersionView> {
    for (let n = first; n <= last; n++) {
      const version: TransactionVersionView | null = await this.queries.execute(new GetTransactionVersionQuery(key, n));
      if (version) yield version;
    }
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
}
