/**
 * Invariant of the filing-period read models, at the pure level (deciders + projection functions):
 * for any sequence of records, revisions (also moving a document to the other month), voids and
 * unvoids, returns, reconciles (sometimes interrupted and resumed), files and reopens, the
 * incrementally maintained period rows equal a recomputation from the events, exactly.
 */
import fc from 'fast-check';
import Decimal from 'decimal.js';
import type { EventMetadata, RecordedEvent } from '@tax-ledger/platform';
import {
  decide,
  evolve,
  fold,
  initialTaxTransaction,
  type TaxTransaction,
  type TaxTransactionCommand,
  type TaxTransactionEvent,
  type TransactionKey,
  transactionStreamName,
  type TransactionVersionData,
} from '@tax-ledger/transactions';
import {
  decideFilingPeriod,
  evolveFilingPeriod,
  type FilingPeriod,
  initialFilingPeriod,
  isPeriodClosed,
} from './filing-period.decider';
import { type FilingPeriodEvent, filingPeriodStreamName } from './filing-period.events';
import { type StateTransition, type TransactionState } from '@tax-ledger/ledger';
import { calculateTax, loadDefaultContent, type TaxDocument } from '@tax-ledger/tax-engine';
import { LIABILITY_MEASURES, type LiabilityAmounts } from './liability';
import {
  applyLiabilityDelta,
  contributions,
  liabilityDelta,
  type LiabilityRowDelta,
  type PeriodDocument,
  projectPeriodDocument,
  rowDeltaId,
} from './period-liability.projection';

const content = loadDefaultContent();
const company = { companyCode: 'C', defaultCurrency: 'USD' };
const PERIODS = ['2024-01', '2024-02'] as const;
const REGIONS = { WA: { state: 'WA', zipcode: '98101', city: 'Seattle' }, CA: { state: 'CA', zipcode: '94105', city: 'San Francisco' }, NY: { state: 'NY', zipcode: '10118', city: 'New York' } };
type Region = keyof typeof REGIONS;
const address = (r: Region) => ({ line1: '1 Main St', country: 'USA', ...REGIONS[r] });

interface LineSpec {
  cents: number;
  to?: Region;
  override?: number;
}
interface DocSpec {
  period: 0 | 1;
  day: number;
  to: Region;
  exempt: boolean;
  isReturn: boolean;
  /** Consumer use tax (transactionType Purchase): never added into sales. */
  purchase: boolean;
  currency: 'USD' | 'CAD';
  lines: LineSpec[];
}

function taxDocument(code: string, s: DocSpec): TaxDocument {
  const sign = s.isReturn ? -1 : 1;
  return {
    header: {
      companyCode: 'C',
      transactionType: s.purchase ? 'Purchase' : 'Sale',
      ...(s.purchase ? { vendorCode: 'V1' } : {}),
      currency: s.currency,
      documentCode: code,
      transactionDate: `${PERIODS[s.period]}-${String(s.day).padStart(2, '0')}`,
      defaultLocations: { shipFrom: { address: address('WA') }, shipTo: { address: address(s.to) } },
      ...(s.exempt ? { defaultEntityUseType: 'E' as const } : {}),
    },
    lines: s.lines.map((l, i) => ({
      lineCode: String(i + 1),
      itemCode: 'X',
      itemDescription: 'x',
      extendedAmount: (sign * l.cents) / 100,
      ...(l.to ? { locations: { shipTo: { address: address(l.to) } } } : {}),
      ...(l.override !== undefined ? { taxOverrideAmount: l.override / 100 } : {}),
    })),
  };
}

const lineArb = fc.record({ cents: fc.integer({ min: 0, max: 5_000_00 }), to: fc.option(fc.constantFrom<Region>('WA', 'CA', 'NY'), { nil: undefined }), override: fc.option(fc.integer({ min: 0, max: 500_00 }), { nil: undefined }) });
const docArb = fc.record({
  period: fc.constantFrom<0 | 1>(0, 1),
  day: fc.integer({ min: 1, max: 28 }),
  to: fc.constantFrom<Region>('WA', 'CA', 'NY'),
  exempt: fc.boolean(),
  isReturn: fc.boolean(),
  purchase: fc.boolean(),
  currency: fc.constantFrom<'USD' | 'CAD'>('USD', 'CAD'),
  lines: fc.array(lineArb, { minLength: 1, maxLength: 3 }),
});
const DOCS = 4;
const stepArb = fc.oneof(
  fc.record({ kind: fc.constant('record' as const), doc: fc.nat(DOCS - 1), spec: docArb }),
  fc.record({ kind: fc.constant('transition' as const), doc: fc.nat(DOCS - 1), transition: fc.constantFrom<StateTransition>('Voided', 'UnVoided', 'Reconciled', 'UnReconciled', 'Filed', 'UnFiled') }),
  fc.record({ kind: fc.constant('period' as const), period: fc.constantFrom<0 | 1>(0, 1), operation: fc.constantFrom('reconcile' as const, 'file' as const, 'reopen' as const), interruptAfter: fc.option(fc.nat(3), { nil: undefined }) }),
);

/** An in-memory log: RecordedEvents as the store would deliver them. */
class Log {
  readonly events: RecordedEvent[] = [];
  private readonly revisions = new Map<string, number>();
  append(streamName: string, type: string, data: unknown, causationId = 'cmd'): void {
    const revision = (this.revisions.get(streamName) ?? -1) + 1;
    this.revisions.set(streamName, revision);
    const globalPosition = this.events.length + 1;
    const metadata: EventMetadata = { schemaVersion: 1, actor: 'test', credentialId: 'c', requestId: 'r', correlationId: 'r', causationId, userAgent: 'jest', occurredAt: new Date(Date.UTC(2024, 5, 1, 0, 0, globalPosition)).toISOString() };
    this.events.push({ id: String(globalPosition), streamName, revision, globalPosition, type, data: JSON.parse(JSON.stringify(data)), metadata });
  }
}

const keyOf = (i: number): TransactionKey => ({ accountId: 'acc', companyCode: 'C', transactionType: 'Sale', documentCode: `D${i}` });

/** Runs the scenario through the real deciders; returns the log. */
type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

function simulate(steps: Step[]): Log {
  const log = new Log();
  const docs = new Map<number, { state: TaxTransaction; period?: string }>();
  const periods = new Map<string, FilingPeriod>();
  const periodState = (p: string) => periods.get(p) ?? initialFilingPeriod;
  let versionSeq = 0;

  const runDoc = (i: number, command: TaxTransactionCommand, causationId?: string): boolean => {
    const current = docs.get(i) ?? { state: initialTaxTransaction };
    let events: TaxTransactionEvent[];
    try {
      events = decide(command, current.state);
    } catch {
      return false; // refused: nothing written
    }
    let state = current.state;
    let period = current.period;
    for (const e of events) {
      log.append(transactionStreamName(keyOf(i)), e.type, e.data, causationId);
      state = evolve(state, e);
      if (e.type === 'TransactionRecorded' || e.type === 'TransactionRevised') period = (e.data as TransactionVersionData).document.header.transactionDate.slice(0, 7);
    }
    docs.set(i, { state, period });
    return true;
  };
  const runPeriod = (p: string, e: FilingPeriodEvent[]) => {
    for (const event of e) {
      log.append(filingPeriodStreamName({ accountId: 'acc', companyCode: 'C', period: p }), event.type, event.data);
      periods.set(p, evolveFilingPeriod(periodState(p), event));
    }
  };

  for (const step of steps) {
    if (step.kind === 'record') {
      const calculation = calculateTax(taxDocument(`D${step.doc}`, step.spec), company, content);
      const newPeriod = calculation.document.header.transactionDate.slice(0, 7);
      const oldPeriod = docs.get(step.doc)?.period;
      // The PeriodLock rule: nothing is recorded into, or revised out of, a closed period.
      if (isPeriodClosed(periodState(newPeriod).status) || (oldPeriod && isPeriodClosed(periodState(oldPeriod).status))) continue;
      runDoc(step.doc, { type: 'RecordTransaction', data: { key: keyOf(step.doc), intent: 'createOrRevise', calculation, versionId: `v${++versionSeq}`, calculationDuration: 0 } });
    } else if (step.kind === 'transition') {
      runDoc(step.doc, { type: 'ChangeTransactionState', data: { key: keyOf(step.doc), transition: step.transition, actorRole: 'account_admin' } });
    } else {
      const p = PERIODS[step.period];
      const key = { accountId: 'acc', companyCode: 'C', period: p };
      const state = periodState(p);
      let started: FilingPeriodEvent[];
      try {
        started = decideFilingPeriod({ type: 'StartPeriodRun', data: { key, operation: step.operation, runId: `run${log.events.length}`, actorRole: 'account_admin' } }, state);
      } catch {
        continue;
      }
      runPeriod(p, started);
      const now = periodState(p);
      const runId = now.runId!;
      const plan: { from: TransactionState; transition: StateTransition }[] =
        step.operation === 'reconcile'
          ? [{ from: 'Recorded', transition: 'Reconciled' }]
          : step.operation === 'file'
            ? [{ from: 'Reconciled', transition: 'Filed' }]
            : now.reopenFrom === 'Filed'
              ? [{ from: 'Filed', transition: 'UnFiled' }, { from: 'Reconciled', transition: 'UnReconciled' }]
              : [{ from: 'Reconciled', transition: 'UnReconciled' }];
      let moved = 0;
      let interrupted = false;
      for (const { from, transition } of plan) {
        for (const [i, d] of [...docs.entries()].sort(([x], [y]) => x - y)) {
          if (interrupted || d.period !== p || !d.state.exists || d.state.state !== from) continue;
          runDoc(i, { type: 'ChangeTransactionState', data: { key: keyOf(i), transition, actorRole: 'account_admin' } }, runId);
          moved++;
          if (step.interruptAfter !== undefined && moved > step.interruptAfter) interrupted = true;
        }
      }
      if (interrupted) continue; // the run stays under way; the same command later resumes it
      runPeriod(p, decideFilingPeriod({ type: 'CompletePeriodRun', data: { key, runId, documentsTransitioned: moved, totals: { rows: [] } } }, periodState(p)));
    }
  }
  return log;
}

/** The projection under test: period_documents + rows by delta, with re-deliveries. */
function project(events: RecordedEvent[], redeliver: number[]): Map<string, LiabilityRowDelta> {
  const docs = new Map<string, PeriodDocument | null>();
  const rows = new Map<string, LiabilityRowDelta>();
  const apply = (e: RecordedEvent) => {
    const previous = docs.get(e.streamName) ?? null;
    const next = projectPeriodDocument(previous, e);
    if (next === previous) return;
    for (const d of liabilityDelta(previous, next)) rows.set(rowDeltaId(d), applyLiabilityDelta(rows.get(rowDeltaId(d)) ?? null, d));
    docs.set(e.streamName, next);
  };
  events.forEach((e, i) => {
    apply(e);
    const r = redeliver[i];
    if (r !== undefined) apply(events[r % (i + 1)]);
  });
  return rows;
}

const dec = (x: number | string) => new Decimal(x);
type Totals = { gross: Decimal; taxable: Decimal; exempt: Decimal; tax: Decimal; purchases: Decimal; taxablePurchases: Decimal; useTax: Decimal; counts: Record<string, number>; warned: number; errored: number };

/** Recomputation from the events: fold each document, then sum its last version straight from the document. */
function recompute(events: RecordedEvent[]) {
  const streams = new Map<string, RecordedEvent[]>();
  for (const e of events) if (e.streamName.startsWith('TaxTransaction-')) streams.set(e.streamName, [...(streams.get(e.streamName) ?? []), e]);
  const byPeriod = new Map<string, Totals>();
  const byRegion = new Map<string, Totals>();
  const blank = (): Totals => ({ gross: dec(0), taxable: dec(0), exempt: dec(0), tax: dec(0), purchases: dec(0), taxablePurchases: dec(0), useTax: dec(0), counts: {}, warned: 0, errored: 0 });
  const allDocs: PeriodDocument[] = [];
  for (const stream of streams.values()) {
    const state = fold(stream.map((e) => ({ type: e.type, data: e.data }) as TaxTransactionEvent));
    if (!state.exists) continue;
    const last = [...stream].reverse().find((e) => e.type === 'TransactionRecorded' || e.type === 'TransactionRevised')!;
    const doc = (last.data as TransactionVersionData).document;
    // Keyed by currency too: amounts in different currencies are never added.
    const period = `${doc.header.transactionDate.slice(0, 7)}/${doc.header.currency}`;
    const purchase = doc.header.transactionType === 'Purchase';
    const p = byPeriod.get(period) ?? blank();
    byPeriod.set(period, p);
    p.counts[state.state] = (p.counts[state.state] ?? 0) + 1;
    // Documents with coverage warnings: their current version has messages, and they count (not voided).
    if (state.state !== 'Voided' && doc.messages?.length) {
      p.warned++;
      if (doc.messages.some((m) => m.severity === 'Error')) p.errored++;
    }
    const regions = new Set<string>();
    for (const line of doc.lines) {
      const region = (line.locations?.shipTo?.address?.state ?? doc.header.defaultLocations!.shipTo!.address!.state)!;
      const r = byRegion.get(`${period}/${region}`) ?? blank();
      byRegion.set(`${period}/${region}`, r);
      if (!regions.has(region)) r.counts[state.state] = (r.counts[state.state] ?? 0) + 1;
      regions.add(region);
      if (state.state === 'Voided') continue;
      const ct = line.calculatedTax;
      for (const t of [p, r]) {
        if (purchase) {
          t.purchases = t.purchases.plus(ct.subtotalTaxable).plus(ct.subtotalExempt);
          t.taxablePurchases = t.taxablePurchases.plus(ct.subtotalTaxable);
          t.useTax = t.useTax.plus(ct.appliedTax);
          continue;
        }
        t.gross = t.gross.plus(ct.subtotalTaxable).plus(ct.subtotalExempt);
        t.taxable = t.taxable.plus(ct.subtotalTaxable);
        t.exempt = t.exempt.plus(ct.subtotalExempt);
        t.tax = t.tax.plus(ct.appliedTax);
      }
    }
    allDocs.push(stream.reduce<PeriodDocument | null>(projectPeriodDocument, null)!);
  }
  // And every row from scratch: the sum of each document's final contribution.
  const scratch = new Map<string, LiabilityRowDelta>();
  for (const d of allDocs) for (const c of contributions(d)) scratch.set(rowDeltaId(c), applyLiabilityDelta(scratch.get(rowDeltaId(c)) ?? null, c));
  return { byPeriod, byRegion, scratch };
}

const exemptSum = (a: LiabilityAmounts) => dec(a.exemptCertificateOrEntityUse).plus(a.exemptNonTaxable).plus(a.exemptNoNexus).plus(a.exemptOther);
const nonZero = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).filter(([, v]) => v !== 0));

describe('period liability invariant (property)', () => {
  it('incremental period rows equal a recomputation from the events, exactly', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 40 }), fc.array(fc.option(fc.nat(), { nil: undefined }), { maxLength: 60 }), (steps, redeliver) => {
        const log = simulate(steps);
        const rows = project(log.events, redeliver as number[]);
        const { byPeriod, byRegion, scratch } = recompute(log.events);

        // Every non-empty row equals the from-scratch sum (all measures, all counts), and no other row has anything.
        for (const [id, row] of rows) {
          const expected = scratch.get(id);
          const empty =
            LIABILITY_MEASURES.every((m) => dec(row.amounts[m]).isZero()) && Object.values(row.documentCounts).every((c) => c === 0) && row.coverageCounts.withMessages === 0 && row.coverageCounts.withErrors === 0;
          if (!expected) {
            expect(empty).toBe(true);
            continue;
          }
          for (const m of LIABILITY_MEASURES) expect(dec(row.amounts[m]).eq(expected.amounts[m])).toBe(true);
          expect(row.documentCounts).toEqual(expected.documentCounts);
          expect(row.coverageCounts).toEqual(expected.coverageCounts);
        }
        for (const id of scratch.keys()) expect(rows.has(id)).toBe(true);

        // Period and region totals equal sums taken straight from the documents.
        for (const [id, t] of byPeriod) {
          const [period, currency] = id.split('/');
          const row = [...rows.values()].find((r) => r.level === 'period' && r.period === period && r.currency === currency)!;
          expect(row).toBeDefined();
          expect(dec(row.amounts.grossPurchases).eq(t.purchases)).toBe(true);
          expect(dec(row.amounts.taxablePurchases).eq(t.taxablePurchases)).toBe(true);
          expect(dec(row.amounts.useTaxAccrued).eq(t.useTax)).toBe(true);
          expect(dec(row.amounts.grossSales).eq(t.gross)).toBe(true);
          expect(dec(row.amounts.taxableSales).eq(t.taxable)).toBe(true);
          expect(exemptSum(row.amounts).eq(t.exempt)).toBe(true);
          expect(dec(row.amounts.taxCollected).eq(t.tax)).toBe(true);
          expect(nonZero(row.documentCounts)).toEqual(t.counts);
          expect(row.coverageCounts).toEqual({ withMessages: t.warned, withErrors: t.errored });
        }
        for (const [id, t] of byRegion) {
          const [period, currency, region] = id.split('/');
          const row = [...rows.values()].find((r) => r.level === 'region' && r.period === period && r.currency === currency && r.region === region)!;
          expect(dec(row.amounts.grossSales).eq(t.gross)).toBe(true);
          expect(dec(row.amounts.taxCollected).eq(t.tax)).toBe(true);
          expect(dec(row.amounts.grossPurchases).eq(t.purchases)).toBe(true);
          expect(dec(row.amounts.useTaxAccrued).eq(t.useTax)).toBe(true);
          expect(nonZero(row.documentCounts)).toEqual(t.counts);
          // Jurisdiction rows of the region add up to its tax.
          const jurisdictions = [...rows.values()].filter((r) => r.level === 'jurisdiction' && r.period === period && r.currency === currency && r.region === region);
          expect(jurisdictions.reduce((s, r) => s.plus(r.amounts.taxCollected), dec(0)).eq(t.tax)).toBe(true);
          expect(jurisdictions.reduce((s, r) => s.plus(r.amounts.useTaxAccrued), dec(0)).eq(t.useTax)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('the simulation really exercises the period workflow (reconciled and filed documents occur)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 10, maxLength: 40 }), (steps) => {
        for (const e of simulate(steps).events) {
          seen.add(e.type);
          const header = (e.data as Partial<TransactionVersionData>).document?.header;
          if (header) seen.add(`${header.transactionType}/${header.currency}`);
        }
      }),
      { numRuns: 300, seed: 20261123 }, // fixed: this checks the generator's reach, not the code
    );
    for (const type of ['TransactionRevised', 'TransactionVoided', 'TransactionUnvoided', 'PeriodReconciled', 'PeriodFiled', 'PeriodReopened', 'TransactionFiled', 'TransactionUnfiled', 'Sale/USD', 'Sale/CAD', 'Purchase/USD', 'Purchase/CAD']) expect(seen).toContain(type);
  });
});
