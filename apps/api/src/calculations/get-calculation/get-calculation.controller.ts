import { Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation } from '@nestjs/swagger';
import { calculationNotFound, calculationStreamName, type CalculationView, projectCalculation } from '@tax-ledger/calculations';
import { LedgerError } from '@tax-ledger/ledger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../../auth/caller';
import { badRequest } from '../../common/api-error';
import { ValidBody } from '../../common/body-validation.pipe';
import { VersionsPageQueryDto } from '../../common/page-query.dto';
import { collectPage, MAX_PAGE_ITEMS, nextPageUrl, sendJson } from '../../common/paging';
import { DOCUMENT_PATH, documentKeyFromPath } from '../../common/route-params';
import { LEDGER_CONFIG, type LedgerConfig } from '../../config';
import { TaxCalculationRepository } from '../../document-write/tax-calculation.repository';
import { DocumentHistoryService } from '../../history/document-history.service';
import { presentCalculation } from '../calculation.presenter';
import { CalculationRoutes } from '../calculation-routes';
import { GetCalculationQuery } from './get-calculation.query';

/** Read a tax calculation record: its latest version (or the one current at `asOf`), one version, all versions. */
@CalculationRoutes()
export class GetCalculationController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly history: DocumentHistoryService,
    private readonly calculations: TaxCalculationRepository,
  ) {}

  @Get(DOCUMENT_PATH)
  @ApiOperation({ summary: 'The latest version of a tax calculation record (?asOf=<ISO 8601>: the version current then)' })
  async get(
    @Param() params: Record<string, string>,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('asOf') asOf?: string,
  ) {
    const key = documentKeyFromPath(caller, params);
    const view: CalculationView | null =
      asOf === undefined
        ? await this.queries.execute(new GetCalculationQuery(key))
        : (await this.history.eventsAsOf(calculationStreamName(key), asOf)).reduce<CalculationView | null>(projectCalculation, null);
    if (!view) throw calculationNotFound(key.documentCode);
    reply.header('ETag', `"${view.versionId}"`);
    return presentCalculation(view);
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
    const key = documentKeyFromPath(caller, params);
    const limit = query.limit ?? MAX_PAGE_ITEMS;
    const startVersion = query.startVersion ?? 1;
    const page = await collectPage(this.calculations.versionsFrom(key, startVersion), {
      limit,
      lines: (v) => v.document.lines.length,
      present: presentCalculation,
      cursor: (v) => v.version,
    });
    if (page.count === 0 && !(await this.calculations.version(key, 1))) throw calculationNotFound(key.documentCode);
    return sendJson(reply, page.json, page.next === undefined ? undefined : nextPageUrl(request.url, { startVersion: page.next, limit }, this.config.publicUrl));
  }

  @Get(`${DOCUMENT_PATH}/versions/:version`)
  @ApiOperation({ summary: 'One version of a tax calculation record' })
  async version(@Param() params: Record<string, string>, @CurrentCaller() caller: Caller) {
    const key = documentKeyFromPath(caller, params);
    if (!/^[1-9]\d{0,8}$/.test(params.version)) throw badRequest('InvalidVersion', 'version must be a positive integer.', 'version');
    const found = await this.calculations.version(key, Number(params.version));
    if (!found && !(await this.calculations.version(key, 1))) throw calculationNotFound(key.documentCode);
    if (!found) throw new LedgerError('CalculationVersionNotFound', `Version ${params.version} of "${key.documentCode}" does not exist.`, 'not_found', 'version');
    return presentCalculation(found);
  }
}
