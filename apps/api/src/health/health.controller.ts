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
   * Open to anyone (monitors): says only that the stores answer, and 503 "degraded" while the projector has
   * parked events (the read models miss them), nothing else about the ledger. This is the alerting probe;
   * an orchestrator restarts on `/health/live` and routes on `/health/ready` (docs/decisions.md).
   */
  @Get()
  @ApiOperation({ summary: 'Monitoring: 200 {"status":"ok"} when the stores answer; 503 {"status":"degraded"} while the projector has parked events; 503 LedgerUnavailable when a store does not answer' })
  @ApiAnswers(200, HEALTH, 'ok: the stores answer')
  @ApiResponse({ status: 503, description: 'degraded: the projector parked events; or a store does not answer (LedgerUnavailable, in the error shape)', schema: { oneOf: [HEALTH, ERROR_RESPONSE] } })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const answer = await this.ready();
    if (answer.status === 'degraded') void reply.status(503);
    return answer;
  }

  /**
   * Readiness (load balancers): 503 LedgerUnavailable only when a store does not answer. Parked events
   * leave it 200 with `status: "degraded"`: every instance shares the stores, so taking them all out of
   * the balancer would stop the writes too and cure nothing.
   */
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: 200 when the stores answer ({"status":"degraded"} while events are parked); 503 LedgerUnavailable when a store does not answer' })
  @ApiAnswers(200, HEALTH, 'the stores answer; degraded while the projector has parked events')
  @ApiResponse({ status: 503, description: 'a store does not answer (LedgerUnavailable, in the error shape)', schema: ERROR_RESPONSE })
  async ready(): Promise<{ status: 'ok' | 'degraded'; parkedEvents?: number }> {
    // In the distributed profile the event store is a server of its own: one cheap read (one event of
    // $all) proves it answers; when it does not, the error filter answers 503 LedgerUnavailable.
    await this.readStore.checkpoints();
    if (this.config.store === 'eventstoredb') await this.eventStore.readAll({ maxCount: 1 });
    const parked = (await this.readStore.parkedEvents?.()) ?? [];
    return parked.length > 0 ? { status: 'degraded', parkedEvents: parked.length } : { status: 'ok' };
  }

  /** Liveness (restart probes): the process answers; touches no store, so a store outage restarts nothing. */
  @Get('live')
  @ApiOperation({ summary: 'Liveness: 200 {"status":"ok"} while the process answers; touches no store' })
  @ApiAnswers(200, HEALTH, 'the process answers')
  live() {
    return { status: 'ok' as const };
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
