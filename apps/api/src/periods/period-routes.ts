import type { FilingPeriodKey, FilingPeriodView } from '@tax-ledger/filing-periods';
import type { ReadStore } from '@tax-ledger/read-models';
import type { Caller } from '../auth/caller';
import { TngRoutes } from '../auth/tng-routes';
import { assertCompany, parsePeriod, parseRegion } from '../common/route-params';

/** What every filing-period controller (one per use case) shares: the class decorator, the key a path names, the wire shape. */
export const PeriodRoutes = () => TngRoutes('Filing periods', 'periods');

/** The filing period a path names (`?region=` optional), of a company of the caller's account (404 otherwise). */
export async function periodKey(readStore: ReadStore, caller: Caller, companyCode: string, period: string, region: unknown): Promise<FilingPeriodKey> {
  const key: FilingPeriodKey = { accountId: caller.accountId, companyCode, period: parsePeriod(period) };
  const r = parseRegion(region);
  if (r) key.region = r;
  await assertCompany(readStore, caller.accountId, companyCode);
  return key;
}

/** What a period looks like on the wire (the internal revision and snapshot rows left out). */
export function presentPeriod(p: FilingPeriodView) {
  return {
    companyCode: p.companyCode,
    period: p.period,
    ...(p.region ? { region: p.region } : {}),
    status: p.status,
    ...(p.runId ? { runId: p.runId } : {}),
    filedOnce: p.filedOnce,
    ...(p.reconciledAt ? { reconciledAt: p.reconciledAt } : {}),
    ...(p.filedAt ? { filedAt: p.filedAt } : {}),
    ...(p.firstFiledAt ? { firstFiledAt: p.firstFiledAt } : {}),
    history: p.history,
  };
}
