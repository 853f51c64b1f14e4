import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-store';
import { LEDGER_CONFIG, type LedgerConfig } from '../config';

@ApiTags('Operations')
@Controller('health')
export class HealthController {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore, @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig) {}

  @Get()
  @ApiOperation({ summary: '200 when the service is ready: its stores answer' })
  async health() {
    const checkpoints = await this.readStore.checkpoints();
    return { status: 'ok', store: this.config.store, checkpoints };
  }
}
