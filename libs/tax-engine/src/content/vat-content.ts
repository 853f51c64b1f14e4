/** VAT/GST content: country and province rates, and the food / medicine taxability they imply. */
import type { RateEntry, TaxabilityRule } from '../engine.types';
import { checkNoOverlap, checkRate, checkSources, invalid } from './content-checks';
import type { VatFile } from './content-files';

/** Tax codes the VAT/GST food and medicine rates apply to. */
export const FOOD_TAX_CODE = 'PF050000';
export const MEDICINE_TAX_CODE = 'PH050100';

/** VAT/GST rates (Country / StateOrProvince rate entries) and the food / medicine taxability they imply. */
export function vatContent(file: VatFile): { rates: RateEntry[]; rules: TaxabilityRule[] } {
  const rates: RateEntry[] = [];
  const rules: TaxabilityRule[] = [];
  const codeRule = (country: string, region: string, taxCode: string, p: { effectiveDate: string; endDate?: string }, rate: string): TaxabilityRule => ({
    taxCode, country, region, treatment: 'reduced', rate, effectiveDate: p.effectiveDate, ...(p.endDate ? { endDate: p.endDate } : {}),
  });
  for (const c of file.countries) {
    const where = `VAT ${c.country}`;
    for (const p of checkNoOverlap(where, c.periods)) {
      checkSources(where, p.sources, file.sources);
      for (const r of p.reduced) checkRate(where, r);
      for (const special of [p.food, p.medicine]) if (special !== undefined && special !== '0' && special !== p.standard && !p.reduced.includes(special)) throw invalid(`${where}: food/medicine rate ${special} is neither standard nor a reduced rate`);
      rates.push({ country: c.country, region: '', jurisdictionName: c.name, jurisdictionType: 'Country', jurisdictionCode: c.country, taxName: c.taxName, taxType: `${c.name} ${c.taxName} Standard`, rate: checkRate(where, p.standard), effectiveDate: p.effectiveDate, ...(p.endDate ? { endDate: p.endDate } : {}), ...(p.sources ? { sources: [...p.sources] } : {}) });
      if (p.food !== undefined) rules.push(codeRule(c.country, '*', FOOD_TAX_CODE, p, checkRate(where, p.food)));
      if (p.medicine !== undefined) rules.push(codeRule(c.country, '*', MEDICINE_TAX_CODE, p, checkRate(where, p.medicine)));
    }
  }
  const ca = file.canada;
  for (const prov of ca.provinces) {
    for (const t of prov.taxes) {
      const where = `${ca.country} ${prov.region} ${t.taxName}`;
      for (const p of checkNoOverlap(where, t.periods)) {
        checkSources(where, p.sources, file.sources);
        const country = t.level === 'Country';
        rates.push({
          country: ca.country, region: prov.region, jurisdictionName: country ? ca.name : prov.name, jurisdictionType: t.level, jurisdictionCode: country ? ca.country : `${ca.country}-${prov.region}`,
          taxName: t.taxName, taxType: `${country ? ca.name : prov.name} ${t.taxName}`, rate: checkRate(where, p.rate), effectiveDate: p.effectiveDate, ...(p.endDate ? { endDate: p.endDate } : {}), ...(p.sources ? { sources: [...p.sources] } : {}),
        });
      }
    }
  }
  // Canada: groceries and prescription drugs are zero-rated for every tax (reduced to 0 at each level).
  for (const [code, rate] of [[FOOD_TAX_CODE, ca.food], [MEDICINE_TAX_CODE, ca.medicine]] as const) {
    if (rate !== undefined) rules.push({ taxCode: code, country: ca.country, region: '*', treatment: rate === '0' ? 'exempt' : 'reduced', ...(rate === '0' ? {} : { rate }), effectiveDate: '2000-01-01' });
  }
  return { rates, rules };
}
