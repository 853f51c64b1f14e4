import { Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import type { FilingPeriodKey, FilingPeriodView } from '@tax-ledger/filing-periods';
import { READ_STORE, type ReadStore } from '@tax-ledger/read-models';
import { type Caller, CurrentCaller } from '../../auth/caller';
import { assertCompany, parsePeriod } from '../../common/route-params';
import { periodKey, PeriodRoutes, presentPeriod } from '../period-routes';

/** A period nothing was done to yet: Open, no history. */
const openPeriod = (key: FilingPeriodKey): FilingPeriodView => ({
  id: '',
  accountId: key.accountId,
  companyCode: key.companyCode,
  period: key.period,
  region: key.region ?? '',
  status: 'Open',
  filedOnce: false,
  history: [],
  streamRevision: -1,
});

/** Where a company's filing periods stand: reconciled, filed, reopened, or Open. */
@PeriodRoutes()
export class GetPeriodController {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  @Get(':companyCode')
  @ApiOperation({ summary: 'Filing periods of a company that have been reconciled, filed or reopened (others are Open)' })
  @ApiQuery({ name: 'period', required: false, description: 'YYYY-MM' })
  async list(@Param('companyCode') companyCode: string, @Query('period') period: string | undefined, @CurrentCaller() caller: Caller) {
    await assertCompany(this.readStore, caller.accountId, companyCode);
    const periods = await this.readStore.listFilingPeriods(caller.accountId, companyCode, period === undefined ? undefined : parsePeriod(period));
    return periods.map(presentPeriod);
  }

  @Get(':companyCode/:period')
  @ApiOperation({ summary: 'One filing period (Open when nothing was done to it yet)' })
  @ApiQuery({ name: 'region', required: false })
  async get(@Param('companyCode') companyCode: string, @Param('period') period: string, @Query('region') region: unknown, @CurrentCaller() caller: Caller) {
    const key = await periodKey(this.readStore, caller, companyCode, period, region);
    return presentPeriod((await this.readStore.getFilingPeriod(key.accountId, key.companyCode, key.period, key.region)) ?? openPeriod(key));
  }
}
