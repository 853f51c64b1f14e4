import { jurisdictionsForAddress } from '../engine';
import { buildContentFromBundle, defaultBundle, loadDefaultContent } from './load-content';
import { type ContentBundle } from './content-files';
import { countryRates, taxabilityOf, zipLookup } from './lookup';

const content = loadDefaultContent();
const EU27 = ['AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE'];

const combined = (region: string, zip: string, date: string) => {
  const state = content.rates.find((r) => r.country === 'US' && r.jurisdictionType === 'StateOrProvince' && r.region === region && r.effectiveDate <= date && (!r.endDate || date <= r.endDate))!;
  const locals = zipLookup(content, region, zip, date)?.locals ?? [];
  return locals.reduce((s, l) => s + Number(l.rate.rate) * 1e6, Number(state.rate) * 1e6) / 1e6;
};

describe('local jurisdictions and ZIP boundaries', () => {
  it.each`
    metro            | region  | zip        | date            | rate
    ${'Seattle'}     | ${'WA'} | ${'98101'} | ${'2025-03-31'} | ${0.1025}
    ${'Seattle'}     | ${'WA'} | ${'98101'} | ${'2025-04-01'} | ${0.1035}
    ${'Los Angeles'} | ${'CA'} | ${'90012'} | ${'2025-03-31'} | ${0.095}
    ${'Los Angeles'} | ${'CA'} | ${'90012'} | ${'2025-04-01'} | ${0.0975}
    ${'Chicago'}     | ${'IL'} | ${'60601'} | ${'2025-06-01'} | ${0.1025}
    ${'New York'}    | ${'NY'} | ${'10001'} | ${'2025-06-01'} | ${0.08875}
    ${'Denver'}      | ${'CO'} | ${'80202'} | ${'2025-06-01'} | ${0.0881}
    ${'Phoenix'}     | ${'AZ'} | ${'85004'} | ${'2025-06-01'} | ${0.086}
    ${'Atlanta'}     | ${'GA'} | ${'30303'} | ${'2025-06-01'} | ${0.089}
  `('$metro $zip on $date: combined $rate', ({ region, zip, date, rate }) => {
    expect(combined(region, zip, date)).toBeCloseTo(rate, 10);
  });

  it('jurisdictionsForAddress lists the state then county, city and special districts of the ZIP', () => {
    expect(jurisdictionsForAddress({ country: 'USA', region: 'IL', postalCode: '60601-1234' }, content, '2025-06-01')).toEqual([
      { country: 'US', region: 'IL', jurisTypeId: 'STA', jurisCode: '17', jurisName: 'ILLINOIS' },
      { country: 'US', region: 'IL', jurisTypeId: 'CTY', jurisCode: '17031', jurisName: 'COOK' },
      { country: 'US', region: 'IL', jurisTypeId: 'CIT', jurisCode: '1714000', jurisName: 'CHICAGO' },
      { country: 'US', region: 'IL', jurisTypeId: 'STJ', jurisCode: 'RTA-COOK', jurisName: 'REGIONAL TRANSPORTATION AUTHORITY (COOK)' },
    ]);
    expect(jurisdictionsForAddress({ country: 'US', region: 'CO', postalCode: '80202' }, content).map((j) => j.jurisCode)).toEqual(['08', '0820000', 'RTD', 'SCFD']);
    // a ZIP content has no boundary for: the state only; Denver before its boundary starts: the state only
    expect(jurisdictionsForAddress({ country: 'US', region: 'WA', postalCode: '99201' }, content, '2025-06-01')).toHaveLength(1);
    expect(jurisdictionsForAddress({ country: 'US', region: 'CO', postalCode: '80202' }, content, '2020-06-01')).toHaveLength(1);
    // VAT/GST countries: the country, and the province where it levies its own tax
    expect(jurisdictionsForAddress({ country: 'CAN', region: 'ON', postalCode: 'M5V 1J1' }, content, '2025-06-01')).toEqual([
      { country: 'CA', region: '', jurisTypeId: 'CNT', jurisCode: 'CA', jurisName: 'CANADA' },
    ]);
    expect(jurisdictionsForAddress({ country: 'CA', region: 'BC' }, content, '2025-06-01').map((j) => [j.jurisTypeId, j.jurisCode])).toEqual([['CNT', 'CA'], ['STA', 'CA-BC']]);
    expect(jurisdictionsForAddress({ country: 'DEU', postalCode: '10115' }, content)).toEqual([{ country: 'DE', region: '', jurisTypeId: 'CNT', jurisCode: 'DE', jurisName: 'GERMANY' }]);
    expect(jurisdictionsForAddress({ country: 'JPN' }, content)).toEqual([]);
  });
});

describe('VAT/GST content', () => {
  it('covers the EU 27, the UK and Australia with a standard rate, and every Canadian province', () => {
    for (const c of [...EU27, 'GB', 'AU']) expect([c, countryRates(content, c, undefined, '2025-06-01').length]).toEqual([c, 1]);
    for (const p of ['AB', 'BC', 'MB', 'NB', 'NL', 'NS', 'NT', 'NU', 'ON', 'PE', 'QC', 'SK', 'YT']) expect(countryRates(content, 'CA', p, '2025-06-01').length).toBeGreaterThan(0);
  });

  it.each`
    country | region       | date            | rates
    ${'DE'} | ${undefined} | ${'2020-12-31'} | ${['0.16']}
    ${'DE'} | ${undefined} | ${'2021-01-01'} | ${['0.19']}
    ${'FI'} | ${undefined} | ${'2024-09-01'} | ${['0.255']}
    ${'GB'} | ${undefined} | ${'2025-06-01'} | ${['0.2']}
    ${'AU'} | ${undefined} | ${'2025-06-01'} | ${['0.1']}
    ${'CA'} | ${'ON'}      | ${'2025-06-01'} | ${['0.13']}
    ${'CA'} | ${'NS'}      | ${'2025-03-31'} | ${['0.15']}
    ${'CA'} | ${'NS'}      | ${'2025-04-01'} | ${['0.14']}
    ${'CA'} | ${'BC'}      | ${'2025-06-01'} | ${['0.05', '0.07']}
    ${'CA'} | ${'QC'}      | ${'2025-06-01'} | ${['0.05', '0.09975']}
  `('$country $region on $date: $rates', ({ country, region, date, rates }) => {
    expect(countryRates(content, country, region, date).map((r) => r.rate)).toEqual(rates);
  });

  it('food and medicine reduced rates become taxability rules', () => {
    expect(taxabilityOf(content, 'PF050000', 'DE', '', '2025-06-01')).toMatchObject({ treatment: 'reduced', rate: '0.07' });
    expect(taxabilityOf(content, 'PF050000', 'GB', '', '2025-06-01')).toMatchObject({ treatment: 'reduced', rate: '0' });
    expect(taxabilityOf(content, 'PF050000', 'CA', 'ON', '2025-06-01')).toMatchObject({ treatment: 'exempt' });
  });
});

describe('taxability content', () => {
  it.each`
    code          | region  | date            | treatment    | rate
    ${'P0000000'} | ${'WA'} | ${'2025-06-01'} | ${undefined} | ${undefined}
    ${'PC040100'} | ${'PA'} | ${'2025-06-01'} | ${'exempt'}  | ${undefined}
    ${'PC040402'} | ${'MN'} | ${'2025-06-01'} | ${'exempt'}  | ${undefined}
    ${'PC040100'} | ${'WA'} | ${'2025-06-01'} | ${undefined} | ${undefined}
    ${'PF050000'} | ${'WA'} | ${'2025-06-01'} | ${'exempt'}  | ${undefined}
    ${'PF050000'} | ${'IL'} | ${'2025-06-01'} | ${'reduced'} | ${'0.01'}
    ${'PF050000'} | ${'SD'} | ${'2025-06-01'} | ${'taxable'} | ${undefined}
    ${'PF050000'} | ${'AL'} | ${'2025-08-31'} | ${'reduced'} | ${'0.03'}
    ${'PF050000'} | ${'AL'} | ${'2025-09-01'} | ${'reduced'} | ${'0.02'}
    ${'PF050000'} | ${'KS'} | ${'2025-01-01'} | ${'exempt'}  | ${undefined}
    ${'SW054000'} | ${'CA'} | ${'2025-06-01'} | ${'exempt'}  | ${undefined}
    ${'SW054000'} | ${'NY'} | ${'2025-06-01'} | ${'taxable'} | ${undefined}
    ${'NT'}       | ${'NY'} | ${'2025-06-01'} | ${'exempt'}  | ${undefined}
  `('$code in $region on $date: $treatment $rate', ({ code, region, date, treatment, rate }) => {
    const rule = taxabilityOf(content, code, 'US', region, date);
    expect(rule?.treatment).toBe(treatment);
    expect(rule?.rate).toBe(rate);
  });
});

describe('validation at load', () => {
  const broken = (edit: (b: ContentBundle) => void) => {
    const b = defaultBundle();
    edit(b);
    return () => buildContentFromBundle(b);
  };
  it.each([
    ['overlapping local rates', (b: ContentBundle) => b.usLocal.jurisdictions[0].rates.push({ rate: '0.01', effectiveDate: '2024-01-01' }), /overlap/],
    ['a bad date', (b: ContentBundle) => (b.usLocal.jurisdictions[2].rates[1].effectiveDate = '2016-13-45'), /bad date/],
    ['end before start', (b: ContentBundle) => (b.usLocal.jurisdictions[2].rates[0].endDate = '2012-01-01'), /before/],
    ['an unknown jurisdiction in a boundary', (b: ContentBundle) => b.usLocal.boundaries[0].jurisCodes.push('NOPE'), /unknown jurisdiction NOPE/],
    ['a ZIP in two boundaries at once', (b: ContentBundle) => b.usLocal.boundaries.push({ ...b.usLocal.boundaries[0], zips: ['98101'] }), /overlap/],
    ['an unknown source', (b: ContentBundle) => (b.usLocal.jurisdictions[0].rates[0].sources = ['NOWHERE']), /unknown source/],
    ['an unknown tax code', (b: ContentBundle) => (b.taxability.rules[0].taxCode = 'XX'), /unknown tax code/],
    ['a reduced rule without a rate', (b: ContentBundle) => delete b.taxability.rules.find((r) => r.treatment === 'reduced')!.rate, /rate is required/],
    ['overlapping VAT periods', (b: ContentBundle) => (b.vat.countries[0].periods[0].endDate = '2099-01-01') && b.vat.countries[0].periods.push({ ...b.vat.countries[0].periods[0], effectiveDate: '2030-01-01' }), /overlap/],
    ['a rate out of range', (b: ContentBundle) => (b.vat.countries[0].periods[0].standard = '20'), /out of range/],
    ['a price band in a country with no priceCurrency', (b: ContentBundle) => (b.taxability.priceCurrency = {}), /currency of its amounts/],
    ['holidays with a bad currency', (b: ContentBundle) => (b.holidays!.currency = 'dollars'), /currency of its amounts/],
  ])('rejects %s', (_name, edit, message) => {
    expect(broken(edit as (b: ContentBundle) => void)).toThrow(message);
  });
});
