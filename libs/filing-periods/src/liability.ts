import Decimal from 'decimal.js';
import { TRANSACTION_STATES, type TransactionState } from '@tax-ledger/ledger';
import {
  DESTINATION_ORDER,
  ORIGIN_ORDER,
  US_STATES,
  exemptionCategoryOf,
  minorUnits,
  resolveUsState,
  type CalculatedTaxDocument,
  type ExemptionCategory,
  type Locations,
} from '@tax-ledger/tax-engine';

/**
 * Liability arithmetic of the filing-period reports, pure. A document contributes to rows keyed by
 * (period, country, region, jurisdiction, tax type) at three levels:
 * - `jurisdiction`: one row per tax authority and tax type (from the details);
 * - `region`: one row per region (US state, or country) the document's lines fall in (line amounts);
 * - `period`: one row per period (every line of the document).
 * Rows are maintained incrementally (subtract the previous contribution of a document, add the new
 * one), so a report reads O(jurisdictions) rows, never the documents.
 */

/** Decimal with room for any sum of money amounts; exact, never binary floats. */
const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -40, toExpPos: 40 });
type D = Decimal;

export const LIABILITY_MEASURES = [
  'grossSales',
  'exemptCertificateOrEntityUse',
  'exemptNonTaxable',
  'exemptNoNexus',
  'exemptOther',
  'taxableSales',
  'taxCalculated',
  'taxCollected',
  // Purchases (consumer use tax, transactionType Purchase) are kept apart from sales: a purchase adds
  // to these three only, never to the sales measures above.
  'grossPurchases',
  'taxablePurchases',
  'useTaxAccrued',
] as const;
export type LiabilityMeasure = (typeof LIABILITY_MEASURES)[number];
/** Measures as exact decimal strings ("12.34", "-0.5", "0"). */
export type LiabilityAmounts = Record<LiabilityMeasure, string>;
export type StateCounts = Record<TransactionState, number>;

const EXEMPT_MEASURE: Record<ExemptionCategory, LiabilityMeasure> = {
  certificate_or_entity_use: 'exemptCertificateOrEntityUse',
  non_taxable: 'exemptNonTaxable',
  no_nexus: 'exemptNoNexus',
  other: 'exemptOther',
};

export type LiabilityLevel = 'period' | 'region' | 'jurisdiction';

/** Where a row sits inside its period; '' where the level has no such part. */
export interface LiabilityKey {
  level: LiabilityLevel;
  /** ISO 4217 currency of the documents summed in the row: amounts in different currencies are never added. */
  currency: string;
  country: string;
  region: string;
  jurisdictionType: string;
  jurisdictionCode: string;
  jurisdictionName: string;
  taxType: string;
}

/** A document's amounts for one key, before its state is applied. */
export interface LiabilityPart extends LiabilityKey {
  amounts: LiabilityAmounts;
}

/** One pre-aggregated row of the `period_liability` read model. */
export interface PeriodLiabilityRow extends LiabilityKey {
  accountId: string;
  companyCode: string;
  /** YYYY-MM */
  period: string;
  amounts: LiabilityAmounts;
  /** Documents touching this row, by state (voided ones counted here, their amounts left out). */
  documentCounts: StateCounts;
  /** Of the documents whose amounts count in this row, those whose current version carries coverage messages. */
  coverageCounts: CoverageDocumentCounts;
}

/**
 * Documents with coverage warnings (issue 12): whose current version carries at least one coverage
 * message (`withMessages`), and of those the ones with a message of severity Error (`withErrors`).
 * Counted where the document's amounts count (committed, not voided).
 */
export interface CoverageDocumentCounts {
  withMessages: number;
  withErrors: number;
}

export const zeroCoverageCounts = (): CoverageDocumentCounts => ({ withMessages: 0, withErrors: 0 });

export function addCoverageCounts(a: CoverageDocumentCounts | undefined, b: CoverageDocumentCounts | undefined, sign = 1): CoverageDocumentCounts {
  return { withMessages: (a?.withMessages ?? 0) + sign * (b?.withMessages ?? 0), withErrors: (a?.withErrors ?? 0) + sign * (b?.withErrors ?? 0) };
}

export const isZeroCoverageCounts = (c: CoverageDocumentCounts | undefined) => (c?.withMessages ?? 0) === 0 && (c?.withErrors ?? 0) === 0;

export const zeroAmounts = (): LiabilityAmounts => ({
  grossSales: '0',
  exemptCertificateOrEntityUse: '0',
  exemptNonTaxable: '0',
  exemptNoNexus: '0',
  exemptOther: '0',
  taxableSales: '0',
  taxCalculated: '0',
  taxCollected: '0',
  grossPurchases: '0',
  taxablePurchases: '0',
  useTaxAccrued: '0',
});
export const zeroCounts = (): StateCounts => ({ Recorded: 0, Voided: 0, Reconciled: 0, Filed: 0, FiledByAvalara: 0 });

const ZERO = new D(0);
const dec = (value: number | string | undefined | null): D => (value === 0 || value === '0' || value == null ? ZERO : new D(value));
const str = (d: D): string => (d.isZero() ? '0' : d.toString());

export function addAmounts(a: LiabilityAmounts, b: LiabilityAmounts, sign = 1): LiabilityAmounts {
  const out = {} as LiabilityAmounts;
  for (const m of LIABILITY_MEASURES) {
    // Most measures of most deltas are zero: no arithmetic for those.
    if (b[m] === '0') out[m] = a[m];
    else if (a[m] === '0') out[m] = sign === 1 ? b[m] : sign === -1 ? negate(b[m]) : str(dec(b[m]).times(sign));
    else out[m] = str(dec(a[m]).plus(dec(b[m]).times(sign)));
  }
  return out;
}

export function addCounts(a: StateCounts, b: StateCounts, sign = 1): StateCounts {
  const out = {} as StateCounts;
  for (const s of TRANSACTION_STATES) out[s] = (a[s] ?? 0) + sign * (b[s] ?? 0);
  return out;
}

/** Exact negation of decimal text, without arithmetic. */
export const negate = (text: string) => (text === '0' ? '0' : text.startsWith('-') ? text.slice(1) : `-${text}`);

export function scaleAmounts(a: LiabilityAmounts, sign: 1 | -1): LiabilityAmounts {
  const out = {} as LiabilityAmounts;
  for (const m of LIABILITY_MEASURES) out[m] = sign === 1 ? a[m] : negate(a[m]);
  return out;
}

export const isZeroAmounts = (a: LiabilityAmounts) => LIABILITY_MEASURES.every((m) => a[m] === '0' || dec(a[m]).isZero());
export const isZeroCounts = (c: StateCounts) => TRANSACTION_STATES.every((s) => (c[s] ?? 0) === 0);

/** Stable identity of a row inside one account/company/period. */
export const liabilityKeyId = (k: LiabilityKey) =>
  [k.level, k.currency, k.country, k.region, k.jurisdictionType, k.jurisdictionCode, k.jurisdictionName, k.taxType].join('\u001f');

/** `YYYY-MM` of an ISO date. */
export const periodOf = (date: string) => date.slice(0, 7);

function stateOfAuthority(code: string | undefined, name: string) {
  return US_STATES.find((s) => (code !== undefined && s.fips === code) || s.name === name.toUpperCase());
}

/** Country and region of a line without tax authorities: from its (or the header's) locations. */
function placeOfLocations(...sets: (Locations | undefined)[]): { country: string; region: string } {
  for (const order of [DESTINATION_ORDER, ORIGIN_ORDER]) {
    for (const set of sets) {
      for (const purpose of order) {
        const address = set?.[purpose]?.address;
        if (!address) continue;
        const state = resolveUsState(address.state ?? address.province);
        if (state) return { country: 'US', region: state.code };
        const country = (address.country ?? '').trim().toUpperCase();
        return { country, region: country || 'UNKNOWN' };
      }
    }
  }
  return { country: '', region: 'UNKNOWN' };
}

/**
 * The amounts a calculated document contributes, per key, as recorded (a return recorded with
 * negative amounts nets against sales). Exempt amounts are split by `exemptionCategoryOf`; tax
 * collected is the detail's tax, tax calculated is rate × taxable when an override fixed the tax.
 */
export function liabilityParts(document: CalculatedTaxDocument): LiabilityPart[] {
  const currency = (document.header.currency ?? 'USD').toUpperCase();
  const places = minorUnits(currency);
  const purchase = document.header.transactionType === 'Purchase';
  // Accumulated as decimals, turned into text once at the end.
  const parts = new Map<string, { key: LiabilityKey; sums: Partial<Record<LiabilityMeasure, D>> }>();
  const add = (where: Omit<LiabilityKey, 'currency'>, given: Partial<Record<LiabilityMeasure, D>>) => {
    const key: LiabilityKey = { ...where, currency };
    const id = liabilityKeyId(key);
    // A purchase's amounts are use tax: gross and taxable purchases, tax accrued (never sales).
    const values: Partial<Record<LiabilityMeasure, D>> = purchase
      ? { grossPurchases: given.grossSales ?? ZERO, taxablePurchases: given.taxableSales ?? ZERO, useTaxAccrued: given.taxCollected ?? ZERO }
      : given;
    let part = parts.get(id);
    if (!part) parts.set(id, (part = { key, sums: {} }));
    for (const m in values) {
      const v = values[m as LiabilityMeasure]!;
      if (v.isZero()) continue; // most measures of most lines: nothing to add
      const sum = part.sums[m as LiabilityMeasure];
      part.sums[m as LiabilityMeasure] = sum ? sum.plus(v) : v;
    }
  };
  const headerOverride = document.header.totalTaxOverrideAmount != null;
  const blank = { jurisdictionType: '', jurisdictionCode: '', jurisdictionName: '', taxType: '' };

  for (const line of document.lines) {
    const ct = line.calculatedTax;
    const overridden = headerOverride || line.taxOverrideAmount != null;
    const authorities = ct?.taxAuthorities ?? [];
    let place: { country: string; region: string } | undefined;
    const lineExempt: Partial<Record<LiabilityMeasure, D>> = {};
    let lineCalculated = new D(0);
    for (const authority of authorities) {
      if (!place) {
        const state = authority.jurisdictionType === 'StateOrProvince' ? stateOfAuthority(authority.jurisdictionCode, authority.jurisdictionName) : undefined;
        if (state) place = { country: 'US', region: state.code };
        else if (authority.jurisdictionType === 'Country') {
          const code = authority.jurisdictionCode ?? authority.jurisdictionName;
          place = { country: code, region: code };
        }
      }
    }
    place ??= placeOfLocations(line.locations, document.header.defaultLocations);
    for (const authority of authorities) {
      for (const detail of authority.details) {
        const taxable = dec(detail.subtotalTaxable);
        const exempt = dec(detail.subtotalExempt);
        const collected = dec(detail.tax);
        const calculated = overridden ? taxable.times(dec(detail.rate)).toDecimalPlaces(places, Decimal.ROUND_HALF_UP) : collected;
        lineCalculated = lineCalculated.plus(calculated);
        const exemptMeasure = EXEMPT_MEASURE[exemptionCategoryOf(detail.exemptionReason) ?? 'other'];
        if (!exempt.isZero() && lineExempt[exemptMeasure] === undefined) lineExempt[exemptMeasure] = new D(0);
        add(
          {
            level: 'jurisdiction',
            ...place,
            jurisdictionType: authority.jurisdictionType,
            jurisdictionCode: authority.jurisdictionCode ?? '',
            jurisdictionName: authority.jurisdictionName,
            taxType: detail.taxType,
          },
          { grossSales: taxable.plus(exempt), taxableSales: taxable, [exemptMeasure]: exempt, taxCalculated: calculated, taxCollected: collected },
        );
      }
    }
    // Line level: its net amount once, exempt part under the category of its details (else "other").
    const lineTaxable = dec(ct?.subtotalTaxable);
    const lineExemptAmount = dec(ct?.subtotalExempt ?? (ct ? 0 : line.extendedAmount));
    const exemptMeasure = (Object.keys(lineExempt)[0] as LiabilityMeasure | undefined) ?? 'exemptOther';
    const collected = dec(ct?.appliedTax);
    const lineValues = {
      grossSales: lineTaxable.plus(lineExemptAmount),
      taxableSales: lineTaxable,
      [exemptMeasure]: lineExemptAmount,
      taxCalculated: authorities.length > 0 ? lineCalculated : collected,
      taxCollected: collected,
    };
    add({ level: 'region', ...place, ...blank }, lineValues);
    add({ level: 'period', country: '', region: '', ...blank }, lineValues);
  }
  if (document.lines.length === 0) add({ level: 'period', country: '', region: '', ...blank }, {});
  return [...parts.values()].map(({ key, sums }) => {
    const amounts = {} as LiabilityAmounts;
    for (const m of LIABILITY_MEASURES) amounts[m] = sums[m] ? str(sums[m]!) : '0';
    return { ...key, amounts };
  });
}

/** Document totals as the client's books see them (for host reconciliation). */
export function documentTotals(document: CalculatedTaxDocument): { totalAmount: string; totalTax: string } {
  return { totalAmount: str(dec(document.calculatedTaxSummary.subtotal)), totalTax: str(dec(document.calculatedTaxSummary.tax)) };
}

/** Regions (US state codes, or countries) a document's lines fall in. */
export const regionsOf = (parts: readonly LiabilityPart[]) => [...new Set(parts.filter((p) => p.level === 'region').map((p) => p.region))].sort();
