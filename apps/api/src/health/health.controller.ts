import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-store';
import { LEDGER_CONFIG, type LedgerConfig } from '../config';

@ApiTags('Operations')
@Controller('health')
export class HealthController {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore, @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig) {}

  @Get()
  @ApiOperation({ summary: '200 when the service is ready: its stores answer; 503 "degraded" when the projector has parked events (read models miss them)' })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const checkpoints = await this.readStore.checkpoints();
    const parked = (await this.readStore.parkedEvents?.()) ?? [];
    if (parked.length > 0) {
      void reply.status(503);
      return { status: 'degraded', store: this.config.store, checkpoints, parkedEvents: parked.length, oldestParked: parked[0].globalPosition };
    }
    return { status: 'ok', store: this.config.store, checkpoints, parkedEvents: 0 };
  }
}
