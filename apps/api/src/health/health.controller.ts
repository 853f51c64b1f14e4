import { Controller, Get, Inject, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, type EventStore } from '@tax-ledger/platform';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import { PartnerAuthGuard } from '../auth/partner-auth.guard';
import { LEDGER_CONFIG, type LedgerConfig } from '../config';
import { ApiAnswers, ERROR_RESPONSE } from '../common/api-answers';
import { HEALTH, PROJECTIONS_STATUS } from './health.openapi';

@ApiTags('Operations')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
  ) {}

  /**
   * Open to anyone (load balancers, probes): says only that the stores answer, and 503 "degraded" while
   * the projector has parked events (the read models miss them), nothing else about the ledger. In the
   * distributed profile the event store is a server of its own: one cheap read (one event of $all)
   * proves it answers; when it does not, 503 LedgerUnavailable.
   */
  @Get()
  @ApiOperation({ summary: '200 {"status":"ok"} when the service is ready: its stores answer; 503 {"status":"degraded"} while the projector has parked events' })
  @ApiAnswers(200, HEALTH, 'ok: the stores answer')
  @ApiResponse({ status: 503, description: 'degraded: the projector parked events; or a store does not answer (LedgerUnavailable, in the error shape)', schema: { oneOf: [HEALTH, ERROR_RESPONSE] } })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    await this.readStore.checkpoints();
    if (this.config.store === 'eventstoredb') await this.eventStore.readAll({ maxCount: 1 });
    const parked = (await this.readStore.parkedEvents?.()) ?? [];
    if (parked.length > 0) {
      void reply.status(503);
      return { status: 'degraded', parkedEvents: parked.length };
    }
    return { status: 'ok' };
  }

  /** Ledger-wide positions (how many events each projection has seen) and parked events: the operator's, behind the partner key. */
  @Get('projections')
  @UseGuards(PartnerAuthGuard)
  @ApiSecurity('partner')
  @ApiOperation({ summary: "Each projection's checkpoint and the parked events (partner key): the store profile and how far every read model is" })
  @ApiAnswers(200, PROJECTIONS_STATUS, 'Each projection\'s checkpoint and the parked events')
  async projections() {
    const parked = (await this.readStore.parkedEvents?.()) ?? [];
    return { status: parked.length > 0 ? 'degraded' : 'ok', store: this.config.store, checkpoints: await this.readStore.checkpoints(), parkedEvents: parked };
  }
}
