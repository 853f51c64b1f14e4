import { US_STATES, US_STATE_CODES_50_DC } from '../geo';
import { buildContent, contentVersionOf, loadDefaultContent } from './load-content';
import { type UsStateRatesFile } from './content-files';
import usSourcingFile from './us-sourcing.json';
import usStateRatesFile from './us-state-rates.json';

const content = loadDefaultContent();
const ratesFile = usStateRatesFile as UsStateRatesFile;

/** The state-level rate of a state on a date, from the loaded content. */
const rateOn = (code: string, date: string) =>
  content.rates.filter((r) => r.country === 'US' && r.jurisdictionType === 'StateOrProvince' && r.region === code && r.effectiveDate <= date && (!r.endDate || date <= r.endDate)).map((r) => r.rate);

describe('us-state-rates.json', () => {
  it('covers all 50 states and DC, with names and FIPS codes matching the geography table', () => {
    expect(US_STATE_CODES_50_DC).toHaveLength(51);
    expect(ratesFile.states.map((s) => s.code).sort()).toEqual([...US_STATE_CODES_50_DC].sort());
    for (const s of ratesFile.states) {
      const geo = US_STATES.find((g) => g.code === s.code)!;
      expect({ code: s.code, name: s.name, fips: s.fips }).toEqual(geo);
    }
  });

  it.each`
    state   | rate
    ${'CA'} | ${'0.0725'}
    ${'TX'} | ${'0.0625'}
    ${'WA'} | ${'0.065'}
    ${'NY'} | ${'0.04'}
    ${'FL'} | ${'0.06'}
    ${'IL'} | ${'0.0625'}
    ${'CO'} | ${'0.029'}
    ${'IN'} | ${'0.07'}
    ${'MN'} | ${'0.06875'}
    ${'NJ'} | ${'0.06625'}
    ${'LA'} | ${'0.05'}
    ${'SD'} | ${'0.042'}
    ${'NM'} | ${'0.04875'}
    ${'MO'} | ${'0.04225'}
    ${'AK'} | ${'0'}
    ${'DE'} | ${'0'}
    ${'MT'} | ${'0'}
    ${'NH'} | ${'0'}
    ${'OR'} | ${'0'}
  `('$state state rate on 2025-06-01 is $rate', ({ state, rate }) => {
    expect(rateOn(state, '2025-06-01')).toEqual([rate]);
  });

  it('every state has exactly one rate on every first-of-month from 2020 to 2026, and one rate on 2010-07-01 (Utah excepted)', () => {
    for (const code of US_STATE_CODES_50_DC) {
      for (let y = 2020; y <= 2026; y++) {
        for (let m = 1; m <= 12; m++) expect([code, rateOn(code, `${y}-${String(m).padStart(2, '0')}-01`).length]).toEqual([code, 1]);
      }
      if (code !== 'UT') expect([code, rateOn(code, '2010-07-01').length]).toEqual([code, 1]);
    }
  });

  it('every figure names its sources, all of them defined', () => {
    for (const s of ratesFile.states) {
      for (const r of s.rates) {
        expect(r.sources?.length).toBeGreaterThan(0);
        for (const key of r.sources!) expect(ratesFile.sources[key]).toBeDefined();
      }
    }
  });

  it('rejects overlapping periods and out-of-range rates', () => {
    const overlapping: UsStateRatesFile = {
      sources: {},
      states: [{ code: 'WA', name: 'WASHINGTON', fips: '53', rates: [{ rate: '0.065', effectiveDate: '2020-01-01' }, { rate: '0.07', effectiveDate: '2025-01-01' }] }],
    };
    expect(() => buildContent(overlapping, { rules: {} })).toThrow(/overlap/);
    const bad: UsStateRatesFile = { sources: {}, states: [{ code: 'WA', name: 'WASHINGTON', fips: '53', rates: [{ rate: '6.5', effectiveDate: '2020-01-01' }] }] };
    expect(() => buildContent(bad, { rules: {} })).toThrow(/out of range/);
    expect(() => buildContent({ sources: {}, states: [] }, { rules: { WA: 'sideways' } })).toThrow(/unknown rule/);
  });
});

describe('us-sourcing.json', () => {
  it('has a rule for all 50 states and DC', () => {
    expect(Object.keys(content.sourcing).sort()).toEqual([...US_STATE_CODES_50_DC].sort());
  });

  it.each([
    ['AZ', 'origin'], ['IL', 'origin'], ['MO', 'origin'], ['OH', 'origin'], ['PA', 'origin'], ['TN', 'origin'], ['UT', 'origin'], ['VA', 'origin'],
    ['MS', 'origin'], ['NM', 'origin'], ['CA', 'mixed'], ['TX', 'mixed'], ['WA', 'destination'], ['NY', 'destination'], ['FL', 'destination'],
  ])('%s is %s', (state, rule) => {
    expect(content.sourcing[state]).toBe(rule);
  });
});

describe('loadDefaultContent', () => {
  it('produces StateOrProvince entries named "<STATE> STATE Sales" with FIPS codes', () => {
    expect(content.rates.find((r) => r.region === 'WA')).toMatchObject({
      country: 'US',
      jurisdictionName: 'WASHINGTON',
      jurisdictionType: 'StateOrProvince',
      jurisdictionCode: '53',
      taxType: 'WASHINGTON STATE Sales',
    });
  });

  it('has a version derived from the data: latest effective date + content hash', () => {
    expect(content.version).toMatch(/^content-\d{4}-\d{2}-\d{2}-[0-9a-f]{12}$/);
    expect(content.version.startsWith('content-2025-10-01-')).toBe(true);
    expect(loadDefaultContent().version).toBe(content.version);
    expect(buildContent(ratesFile, usSourcingFile).version).toBe(content.version);
    const changed = content.rates.map((r) => (r.region === 'WA' && !r.endDate ? { ...r, rate: '0.066' } : r));
    expect(contentVersionOf(changed, content.sourcing, 'content', content)).not.toBe(content.version);
    expect(contentVersionOf(content.rates, content.sourcing, 'content', content)).toBe(content.version);
    expect(contentVersionOf(content.rates, { ...content.sourcing, WA: 'origin' }, 'content', content)).not.toBe(content.version);
  });

  it('is frozen (shared by every calculation)', () => {
    expect(Object.isFrozen(content)).toBe(true);
    expect(Object.isFrozen(content.rates[0])).toBe(true);
  });
});
