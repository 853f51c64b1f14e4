import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-store';
import { PartnerAuthGuard } from '../auth/partner-auth.guard';
import { LEDGER_CONFIG, type LedgerConfig } from '../config';

@ApiTags('Operations')
@Controller('health')
export class HealthController {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore, @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig) {}

  /** Open to anyone (load balancers, probes): says only that the stores answer, nothing about the ledger. */
  @Get()
  @ApiOperation({ summary: '200 {"status":"ok"} when the service is ready: its stores answer' })
  async health() {
    await this.readStore.checkpoints();
    return { status: 'ok' };
  }

  /** Ledger-wide positions (how many events each projection has seen): the operator's, behind the partner key. */
  @Get('projections')
  @UseGuards(PartnerAuthGuard)
  @ApiSecurity('partner')
  @ApiOperation({ summary: 'Each projection\'s checkpoint (partner key): the store profile and how far every read model is' })
  async projections() {
    return { status: 'ok', store: this.config.store, checkpoints: await this.readStore.checkpoints() };
  }
}
