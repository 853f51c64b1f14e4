import type Decimal from 'decimal.js';
import type { CalculateTax, CompanySetup, ExemptionCategory, ExemptionCertificate, Jurisdiction, LocalJurisdiction, NexusDeclaration, RateEntry, TaxContent } from './engine.types';
import { countryRates, taxabilityOf, zipLookup } from './content/lookup';
import { TaxCalculationError } from './errors';
import { normaliseCountry, resolveUsState, type UsStateInfo } from './geo';
import { Dec, allocate, amountUnits, rateOf, minorUnits, moneyOut, rateMicros, rateOut, roundMoney, sum, taxUnits, toDecimal, unitsOut } from './money';
import type {
  CalculatedTax,
  CalculatedTaxDocument,
  CalculatedTaxSummary,
  EntityUseType,
  LocationContent,
  LocationPurpose,
  Locations,
  TaxAuthority,
  TaxDetail,
  TaxDocument,
  TaxDocumentHeader,
  TaxDocumentLine,
  TransactionType,
} from './tax-document';
import { LOCATION_PURPOSES } from './tax-document';

/** First present purpose wins (line `locations` override header `defaultLocations` per purpose). */
export const DESTINATION_ORDER: readonly LocationPurpose[] = [
  'shipTo',
  'pos',
  'poo',
  'billingLocation',
  'callReceived',
  'serviceRendered',
  'firstUse',
];
export const ORIGIN_ORDER: readonly LocationPurpose[] = ['shipFrom', 'pos', 'callPlaced', 'pom', 'poa', 'dropship'];

/** Entity use type descriptions (seed header table), used in exemption reasons. */
export const ENTITY_USE_DESCRIPTIONS: Readonly<Record<EntityUseType, string>> = {
  A: 'Federal Government',
  B: 'State/Local Govt.',
  C: 'Tribal Government',
  D: 'Foreign Diplomat',
  E: 'Charitable Organization',
  F: 'Religious/Education',
  G: 'Resale',
  H: 'Agricultural Production',
  I: 'Industrial Prod/Mfg.',
  J: 'Direct Pay Permit',
  K: 'Direct Mail',
  L: 'Other',
  N: 'Local Government',
  P: 'Commercial Aquaculture',
  Q: 'Commercial Fishery',
  R: 'Non-resident',
};

export const EXEMPTION_NO_NEXUS = 'No nexus';
export const EXEMPTION_TAX_PAYER_CODE = 'Tax payer code on file';
export const entityUseExemptionReason = (code: string): string =>
  `Entity use code ${code}${code in ENTITY_USE_DESCRIPTIONS ? ` (${ENTITY_USE_DESCRIPTIONS[code as EntityUseType]})` : ''}`;

type Role = 'origin' | 'destination';

interface LocationRef {
  purpose: LocationPurpose;
  content: LocationContent;
  fromLine: boolean;
}

interface Place {
  country?: string;
  state?: UsStateInfo;
  /** Non-US: the province / region as sent (upper-case), e.g. "ON". */
  region?: string;
  zip?: string;
}

interface DetailPlan {
  jurisdictionName: string;
  jurisdictionType: string;
  jurisdictionCode: string;
  taxType: string;
  rate: Decimal;
  exemptionReason?: string;
}

interface LinePlan {
  amount: Decimal;
  taxIncluded: boolean;
  /** Empty: no jurisdiction found (unknown country or state, no location, no rate on the tax date). */
  details: DetailPlan[];
  /** Every detail is exempt (the line carries no tax unless overridden). */
  allExempt: boolean;
  /** Tax fixed by the line's taxOverrideAmount and/or its share of the header totalTaxOverrideAmount. */
  forcedTax?: Decimal;
  hasLineOverride: boolean;
  taxCode: string;
  origin?: LocationRef;
  destination?: LocationRef;
  role?: Role;
}

interface LineResult {
  calculatedTax: CalculatedTax;
  appliedTax: Decimal;
  subtotalTaxable: Decimal;
  subtotalExempt: Decimal;
}

/** ISO date (YYYY-MM-DD) of a date or date-time string. */
function isoDate(value: unknown, path: string): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) return value.slice(0, 10);
  throw new TaxCalculationError('InvalidDate', `${path} must be an ISO 8601 date (YYYY-MM-DD)`, path);
}

const activeOn = (from: string, to: string | undefined, date: string): boolean => from <= date && (to === undefined || date <= to);

const isPresent = (v: unknown): v is LocationContent => typeof v === 'object' && v !== null;

function effectiveLocations(header: TaxDocumentHeader, line: TaxDocumentLine): Map<LocationPurpose, LocationRef> {
  const out = new Map<LocationPurpose, LocationRef>();
  for (const purpose of LOCATION_PURPOSES) {
    const own = line.locations?.[purpose];
    const inherited = header.defaultLocations?.[purpose];
    if (isPresent(own)) out.set(purpose, { purpose, content: own, fromLine: true });
    else if (isPresent(inherited)) out.set(purpose, { purpose, content: inherited, fromLine: false });
  }
  return out;
}

function firstOf(order: readonly LocationPurpose[], locations: Map<LocationPurpose, LocationRef>): LocationRef | undefined {
  for (const p of order) {
    const ref = locations.get(p);
    if (ref) return ref;
  }
  return undefined;
}

/** Country, US state / province and ZIP5 of a location's address; a US state and no country is taken as US. */
const placeCache = new WeakMap<LocationContent, Place | undefined>();
function placeOf(ref: LocationRef | undefined): Place | undefined {
  if (!ref) return undefined;
  if (placeCache.has(ref.content)) return placeCache.get(ref.content);
  const address = ref.content.address;
  let place: Place | undefined;
  if (address) {
    const regionText = address.state ?? address.province;
    const state = resolveUsState(regionText);
    const country = normaliseCountry(address.country) ?? (state ? 'US' : undefined);
    place =
      country === 'US'
        ? { country, state, zip: zip5(address.zipcode ?? address.postalCode ?? address.postcode) }
        : { country, region: typeof regionText === 'string' ? regionText.trim().toUpperCase() : undefined };
  }
  placeCache.set(ref.content, place);
  return place;
}

const nonEmpty = (s: string | undefined | null): s is string => typeof s === 'string' && s.trim() !== '';

/** Default tax code: tangible personal property. */
export const DEFAULT_TAX_CODE = 'P0000000';
export const EXEMPTION_TRANSFER = 'Non-taxable: transfer between company locations';
export const EXEMPTION_REVERSE_CHARGE = 'Reverse charge: VAT accounted for by the buyer';
/** header.metadata.documentType values that make a document a return (amounts positive, liability negative). */
export const RETURN_DOCUMENT_TYPES: ReadonlySet<string> = new Set(['ReturnInvoice', 'ReturnOrder', 'Return']);
/** Metadata keys (header or line) that carry the buyer's VAT/GST registration number. */
export const BUYER_TAX_ID_KEYS = ['buyerTaxId', 'businessIdentificationNo'] as const;

const SALES_NEXUS_TYPES: ReadonlySet<string> = new Set(['SalesOrSellersUseTax', 'SalesTax', 'SellersUseTax']);

/** Certificate exemption reason: always starts with "Exemption certificate". */
export function certificateExemptionReason(c: ExemptionCertificate): string {
  const use = nonEmpty(c.entityUseCode) ? ` (${entityUseExemptionReason(c.entityUseCode.trim().toUpperCase())})` : '';
  return `Exemption certificate ${c.certificateId}${use}${nonEmpty(c.exemptionReason) ? `: ${c.exemptionReason.trim()}` : ''}`;
}

/** Non-taxable product reason: always starts with "Non-taxable". */
export const nonTaxableReason = (taxCode: string, where: string): string => `Non-taxable: tax code ${taxCode} in ${where}`;

/** The company's nexus declarations active on the tax date, for the kind of document. */
function activeNexus(company: CompanySetup, kind: TransactionType, date: string): NexusDeclaration[] | undefined {
  if (company.nexus === undefined) return undefined;
  return company.nexus.filter((n) => {
    if (!activeOn(n.effectiveDate.slice(0, 10), n.endDate?.slice(0, 10), date)) return false;
    const type = n.nexusTypeId ?? 'SalesOrSellersUseTax';
    if (type === 'None') return false;
    // Consumer use tax (purchases) is owed under any nexus; sales need a sales / seller's use nexus.
    return kind === 'Purchase' || SALES_NEXUS_TYPES.has(type);
  });
}

const sameUsState = (n: NexusDeclaration, state: UsStateInfo) => normaliseCountry(n.country) === 'US' && resolveUsState(n.region)?.code === state.code;
const isStateLevel = (n: NexusDeclaration) => (n.jurisTypeId ?? 'STA') === 'STA';

function hasStateNexus(nexus: NexusDeclaration[] | undefined, state: UsStateInfo): boolean {
  return nexus === undefined || nexus.some((n) => sameUsState(n, state) && isStateLevel(n));
}

/** Local nexus: a state declaration with hasLocalNexus (All / StateAdministered), or the local jurisdiction declared itself. */
function hasLocalNexus(nexus: NexusDeclaration[] | undefined, state: UsStateInfo, j: LocalJurisdiction): boolean {
  if (nexus === undefined) return true;
  return nexus.some((n) => {
    if (!sameUsState(n, state)) return false;
    if (isStateLevel(n)) {
      if (n.hasLocalNexus !== true) return false;
      const type = n.localNexusTypeId ?? 'All';
      return type === 'All' || (type === 'StateAdministered' && j.stateAdministered);
    }
    return n.jurisTypeId === j.jurisTypeId && n.jurisCode === j.jurisCode;
  });
}

/** Non-US: any active declaration in the country (VAT/GST registration) covers every tax of that country. */
function hasCountryNexus(nexus: NexusDeclaration[] | undefined, country: string): boolean {
  return nexus === undefined || nexus.some((n) => normaliseCountry(n.country) === country);
}

function certificateFor(company: CompanySetup, customerCode: string | undefined, country: string, region: string, date: string): ExemptionCertificate | undefined {
  if (!nonEmpty(customerCode) || !company.certificates?.length) return undefined;
  const code = customerCode.trim();
  return company.certificates.find(
    (c) =>
      c.customerCode.trim() === code &&
      activeOn(c.effectiveDate.slice(0, 10), c.expirationDate?.slice(0, 10), date) &&
      c.regions.some((r) => {
        if (normaliseCountry(r.country) !== country) return false;
        if (country === 'US') return resolveUsState(r.region)?.code === region;
        const want = (r.region ?? '').trim().toUpperCase();
        return want === '' || want === '*' || want === region;
      }),
  );
}

const itemsCache = new WeakMap<object, Map<string, string>>();
/** Line tax code: avalaraGoodsAndServicesType, else the item mapping of itemCode, else of fallbackItemCode, else P0000000. */
function taxCodeOf(line: TaxDocumentLine, company: CompanySetup): string {
  if (nonEmpty(line.avalaraGoodsAndServicesType)) return line.avalaraGoodsAndServicesType.trim().toUpperCase();
  const items = company.items;
  if (!items?.length) return DEFAULT_TAX_CODE;
  let byItem = itemsCache.get(items);
  if (!byItem) itemsCache.set(items, (byItem = new Map(items.map((i) => [i.itemCode, i.taxCode.trim().toUpperCase()]))));
  return byItem.get(line.itemCode) ?? (company.fallbackItemCode !== undefined ? byItem.get(company.fallbackItemCode) : undefined) ?? DEFAULT_TAX_CODE;
}

function buyerTaxId(header: TaxDocumentHeader, line: TaxDocumentLine): string | undefined {
  for (const meta of [line.metadata, header.metadata]) for (const key of BUYER_TAX_ID_KEYS) if (nonEmpty(meta?.[key])) return meta![key].trim();
  return undefined;
}

/**
 * State-level rate entries per state code in force on a date, one per (jurisdiction, taxType), latest
 * start wins. Memoised per content snapshot and date: content is immutable (a new import is a new
 * TaxContent object), so the answer for one (content, date) never changes. Bounded per content.
 */
const ratesCache = new WeakMap<TaxContent, Map<string, Map<string, RateEntry[]>>>();
const RATES_CACHE_DATES = 4096;

function stateRatesOn(content: TaxContent, date: string): Map<string, RateEntry[]> {
  let byDate = ratesCache.get(content);
  if (!byDate) ratesCache.set(content, (byDate = new Map()));
  let rates = byDate.get(date);
  if (!rates) {
    if (byDate.size >= RATES_CACHE_DATES) byDate.clear();
    byDate.set(date, (rates = computeStateRatesOn(content, date)));
  }
  return rates;
}

function computeStateRatesOn(content: TaxContent, date: string): Map<string, RateEntry[]> {
  const chosen = new Map<string, RateEntry>();
  for (const r of content.rates) {
    if (r.jurisdictionType !== 'StateOrProvince' || normaliseCountry(r.country) !== 'US') continue;
    if (!activeOn(r.effectiveDate, r.endDate, date)) continue;
    const region = resolveUsState(r.region)?.code ?? r.region;
    const key = `${region}|${r.jurisdictionCode}|${r.jurisdictionName}|${r.taxType}`;
    const prev = chosen.get(key);
    if (!prev || r.effectiveDate > prev.effectiveDate) chosen.set(key, r);
  }
  const byState = new Map<string, RateEntry[]>();
  for (const [key, r] of [...chosen.entries()].sort(([x], [y]) => x.localeCompare(y))) {
    const region = key.split('|')[0];
    byState.set(region, [...(byState.get(region) ?? []), r]);
  }
  return byState;
}

/**
 * Back a tax-inclusive amount A out into a taxable base and tax, for rates r_i:
 * 1. exact base B = A / (1 + Σr_i);
 * 2. look for the cent amount x near B whose forward calculation x + Σ round(x·r_i) equals A exactly
 *    (x ↦ x + Σ round(x·r_i) is strictly increasing, so there is at most one); if found, base = x and
 *    tax_i = round(x·r_i): the tax-exclusive calculation of x reproduces the same tax;
 * 3. otherwise (that total is skipped by the forward function) tax = round(A − B), base = A − tax,
 *    split over the rates.
 * Either way base + Σ tax_i = A to the cent.
 */
export function backOutTaxIncluded(amount: Decimal, rates: readonly Decimal[], places: number): { base: Decimal; taxes: Decimal[] } {
  const total = sum(rates);
  if (total.isZero()) return { base: amount, taxes: rates.map(() => new Dec(0)) };
  const exact = amount.div(total.plus(1));
  const unit = new Dec(10).pow(-places);
  const x0 = roundMoney(exact, places);
  for (const k of [0, -1, 1, -2, 2]) {
    const x = x0.plus(unit.times(k));
    const taxes = rates.map((r) => roundMoney(x.times(r), places));
    if (x.plus(sum(taxes)).eq(amount)) return { base: x, taxes };
  }
  const tax = roundMoney(amount.minus(exact), places);
  return { base: amount.minus(tax), taxes: allocate(tax, rates, places) };
}

interface LineContext {
  header: TaxDocumentHeader;
  company: CompanySetup;
  content: TaxContent;
  ratesByState: Map<string, RateEntry[]>;
  nexus: NexusDeclaration[] | undefined;
  date: string;
  places: number;
  isReturn: boolean;
  /** The header's default locations, for the lines without their own. */
  headerLocations: Map<LocationPurpose, LocationRef>;
}

const LOCAL_LEVELS = ['County', 'City', 'Special'] as const;
const useTaxType = (taxType: string) => taxType.replace(/ Sales$/, ' Use');

function planLine(line: TaxDocumentLine, index: number, ctx: LineContext): LinePlan {
  const { header, company, content, date, places } = ctx;
  const sign = ctx.isReturn ? -1 : 1;
  const amount = toDecimal(line.extendedAmount, `/lines/${index}/extendedAmount`).times(sign);
  const taxCode = taxCodeOf(line, company);
  const plan: LinePlan = { amount, taxIncluded: line.taxIncluded === true, details: [], allExempt: false, hasLineOverride: false, taxCode };
  if (line.taxOverrideAmount != null) {
    plan.forcedTax = roundMoney(toDecimal(line.taxOverrideAmount, `/lines/${index}/taxOverrideAmount`).times(sign), places);
    plan.hasLineOverride = true;
  }

  const locations = line.locations ? effectiveLocations(header, line) : ctx.headerLocations;
  const origin = firstOf(ORIGIN_ORDER, locations);
  const destination = firstOf(DESTINATION_ORDER, locations);
  if (!origin && !destination) return plan;
  const o = placeOf(origin);
  const d = placeOf(destination);
  const kind = header.transactionType;

  // Which side each level is sourced to. Interstate / international: destination; purchases (consumer
  // use tax): where the goods are used, the destination; in-state: the state's rule.
  let role: Role = origin && !destination ? 'origin' : 'destination';
  let destinationLevels: ReadonlyArray<string> = [];
  const intrastate = o?.state !== undefined && d?.state !== undefined && o.state.code === d.state.code;
  if (intrastate && kind !== 'Purchase') {
    const rule = content.sourcing[o.state!.code];
    if (rule === 'origin') role = 'origin';
    else if (rule === 'mixed') {
      role = 'origin';
      destinationLevels = content.mixedDestinationLevels?.[o.state!.code] ?? [];
    }
  }
  const sourced = role === 'origin' ? origin! : destination!;
  const place = role === 'origin' ? o : d;
  if (!place?.country) return plan;

  // Exemptions that apply to every detail of the line, in order of precedence after nexus and taxability.
  const sourcedContent = sourced.content;
  const entityUse = [sourcedContent.addressEntityUseType, line.entityUseType, header.defaultEntityUseType].find(nonEmpty)?.trim().toUpperCase();
  const taxPayerCode = [sourcedContent.addressTaxPayerCode, line.taxPayerCode, header.defaultTaxPayerCode].find(nonEmpty);
  const regionCode = place.state?.code ?? place.region ?? '';
  const certificate = kind === 'Sale' ? certificateFor(company, header.customerCode, place.country, regionCode, date) : undefined;
  let lineReason: string | undefined;
  if (kind === 'Transfer') lineReason = EXEMPTION_TRANSFER;
  else if (entityUse !== undefined && entityUse !== 'L') lineReason = entityUseExemptionReason(entityUse);
  else if (certificate) lineReason = certificateExemptionReason(certificate);
  else if (taxPayerCode !== undefined) lineReason = EXEMPTION_TAX_PAYER_CODE;

  const rule = taxabilityOf(content, taxCode, place.country, regionCode, date);
  const productReason = rule?.treatment === 'exempt' ? nonTaxableReason(taxCode, regionCode ? `${place.country}-${regionCode}` : place.country) : undefined;
  const reasonFor = (nexus: boolean) => (!nexus ? EXEMPTION_NO_NEXUS : (productReason ?? lineReason));

  if (place.country === 'US') {
    const state = place.state;
    const entries = state ? ctx.ratesByState.get(state.code) : undefined;
    if (!state || !entries || entries.length === 0) return plan;
    const placeFor = (level: string) => (destinationLevels.includes(level) ? d! : place);
    const stateLookup = zipLookup(content, state.code, place.zip, date);
    const stateNexus = hasStateNexus(ctx.nexus, state);
    for (const r of entries) {
      let rate = rateOf(stateLookup?.boundary.stateRate ?? r.rate);
      if (rule?.treatment === 'reduced' && rule.rate !== undefined) rate = rateOf(rule.rate);
      plan.details.push({
        jurisdictionName: r.jurisdictionName,
        jurisdictionType: r.jurisdictionType,
        jurisdictionCode: r.jurisdictionCode,
        taxType: kind === 'Purchase' ? useTaxType(r.taxType) : r.taxType,
        rate,
        exemptionReason: reasonFor(stateNexus),
      });
    }
    for (const level of LOCAL_LEVELS) {
      const at = placeFor(level);
      for (const l of zipLookup(content, state.code, at.zip, date)?.locals ?? []) {
        if (l.rate.jurisdictionType !== level) continue;
        plan.details.push({
          jurisdictionName: l.rate.jurisdictionName,
          jurisdictionType: level,
          jurisdictionCode: l.rate.jurisdictionCode,
          taxType: kind === 'Purchase' ? useTaxType(l.rate.taxType) : l.rate.taxType,
          rate: rateOf(l.rate.rate),
          exemptionReason: reasonFor(hasLocalNexus(ctx.nexus, state, l.jurisdiction)),
        });
      }
    }
  } else {
    const entries = countryRates(content, place.country, place.region, date);
    if (entries.length === 0) return plan;
    const nexus = hasCountryNexus(ctx.nexus, place.country);
    const taxId = buyerTaxId(header, line);
    const crossBorder = o?.country !== undefined && o.country !== place.country;
    const reverseCharge = kind === 'Sale' && crossBorder && taxId !== undefined ? `${EXEMPTION_REVERSE_CHARGE} (${taxId})` : undefined;
    for (const r of entries) {
      let rate = rateOf(r.rate);
      if (rule?.treatment === 'reduced' && rule.rate !== undefined && r.jurisdictionType === 'Country') rate = rateOf(rule.rate);
      const reason = !nexus ? EXEMPTION_NO_NEXUS : (productReason ?? reverseCharge ?? lineReason);
      plan.details.push({ jurisdictionName: r.jurisdictionName, jurisdictionType: r.jurisdictionType, jurisdictionCode: r.jurisdictionCode, taxType: r.taxType, rate, exemptionReason: reason });
    }
  }
  plan.allExempt = plan.details.every((x) => x.exemptionReason !== undefined);
  plan.origin = origin;
  plan.destination = destination;
  plan.role = role;
  return plan;
}

/**
 * Header totalTaxOverrideAmount: what remains after line overrides is spread over the taxable lines
 * (with a jurisdiction, not wholly exempt, no line override) in proportion to extendedAmount; the
 * rounding remainder goes to the largest line. Fallbacks so the document total is exact: lines without a
 * line override (even if exempt), then all lines with a jurisdiction (added on top of their override).
 * Lines without a jurisdiction cannot carry tax; with none at all the header override is not applied.
 */
function spreadHeaderOverride(plans: LinePlan[], headerOverride: Decimal, places: number): void {
  const withJurisdiction = plans.filter((p) => p.details.length > 0);
  const lineOverrides = sum(withJurisdiction.filter((p) => p.hasLineOverride).map((p) => p.forcedTax!));
  const remaining = headerOverride.minus(lineOverrides);
  const tiers = [
    withJurisdiction.filter((p) => !p.hasLineOverride && !p.allExempt),
    withJurisdiction.filter((p) => !p.hasLineOverride),
    withJurisdiction,
  ];
  const targets = tiers.find((t) => t.length > 0);
  if (!targets) return;
  const shares = allocate(remaining, targets.map((p) => p.amount), places);
  targets.forEach((p, i) => {
    p.forcedTax = (p.forcedTax ?? new Dec(0)).plus(shares[i]);
  });
}

/**
 * The common line (no override, tax-exclusive) in exact integer minor units (money.ts: amountUnits,
 * rateMicros, taxUnits); undefined when the amount or a rate is outside the provably exact range, and
 * the Decimal path below is used. Both give identical results (property-tested).
 */
function calculateLineInUnits(plan: LinePlan, places: number): LineResult | undefined {
  if (plan.forcedTax !== undefined || plan.taxIncluded) return undefined;
  const a = amountUnits(plan.amount, places);
  if (a === null) return undefined;
  const n = plan.details.length;
  const micros: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const m = rateMicros(plan.details[i].rate);
    if (m === null) return undefined;
    micros[i] = m;
  }
  const amountOut = unitsOut(a, places);
  const authorities: TaxAuthority[] = [];
  let applied = 0;
  let anyTaxed = false;
  let current: TaxAuthority | undefined;
  for (let i = 0; i < n; i++) {
    const d = plan.details[i];
    const exempt = d.exemptionReason !== undefined;
    const t = exempt ? 0 : taxUnits(a, micros[i]);
    applied += t;
    anyTaxed ||= !exempt;
    const detail: TaxDetail = {
      taxType: d.taxType,
      subtotalTaxable: exempt ? 0 : amountOut,
      subtotalExempt: exempt ? amountOut : 0,
      rate: rateOut(d.rate),
      tax: unitsOut(t, places),
      exempt,
      ...(exempt ? { exemptionReason: d.exemptionReason } : {}),
      passthrough: false,
      ...(plan.origin ? { originLocation: plan.origin.purpose } : {}),
      ...(plan.destination ? { destinationLocation: plan.destination.purpose } : {}),
    };
    if (!current || current.jurisdictionCode !== d.jurisdictionCode || current.jurisdictionType !== d.jurisdictionType || current.jurisdictionName !== d.jurisdictionName) {
      current = authorities.find((x) => x.jurisdictionCode === d.jurisdictionCode && x.jurisdictionType === d.jurisdictionType && x.jurisdictionName === d.jurisdictionName);
      if (!current) {
        current = { jurisdictionName: d.jurisdictionName, jurisdictionType: d.jurisdictionType, jurisdictionCode: d.jurisdictionCode, details: [] };
        authorities.push(current);
      }
    }
    current.details.push(detail);
  }
  const taxable = anyTaxed ? a : 0;
  const unit = UNIT[places] ?? new Dec(10).pow(-places);
  return {
    calculatedTax: { appliedTax: unitsOut(applied, places), subtotalTaxable: unitsOut(taxable, places), subtotalExempt: unitsOut(a - taxable, places), taxAuthorities: authorities },
    appliedTax: applied === 0 ? ZERO : new Dec(applied).times(unit),
    subtotalTaxable: taxable === 0 ? ZERO : plan.amount,
    subtotalExempt: taxable === 0 ? plan.amount : ZERO,
  };
}

const ZERO = new Dec(0);
const UNIT: Decimal[] = [0, 1, 2, 3].map((p) => new Dec(10).pow(-p));

function calculateLine(plan: LinePlan, places: number): LineResult {
  const A = plan.amount;
  const zero = new Dec(0);
  if (plan.details.length > 0) {
    const fast = calculateLineInUnits(plan, places);
    if (fast) return fast;
  }
  if (plan.details.length === 0) {
    return {
      calculatedTax: { appliedTax: 0, subtotalTaxable: 0, subtotalExempt: moneyOut(A, places), taxAuthorities: [] },
      appliedTax: zero,
      subtotalTaxable: zero,
      subtotalExempt: roundMoney(A, places),
    };
  }
  const n = plan.details.length;
  const rates = plan.details.map((d) => d.rate);
  let taxes: Decimal[];
  let taxable: Decimal[];
  let exemptAmt: Decimal[];
  const forced = plan.forcedTax !== undefined;
  const isExempt = (i: number) => !forced && plan.details[i].exemptionReason !== undefined;
  if (forced) {
    // An override is tax already charged: it wins over exemptions, the rates are still reported.
    taxes = allocate(plan.forcedTax!, rates, places);
    const base = plan.taxIncluded ? A.minus(plan.forcedTax!) : A;
    taxable = rates.map(() => base);
    exemptAmt = rates.map(() => zero);
  } else {
    const taxedIdx = plan.details.map((_, i) => i).filter((i) => !isExempt(i));
    let base = A;
    taxes = rates.map(() => zero);
    if (plan.taxIncluded) {
      const out = backOutTaxIncluded(A, taxedIdx.map((i) => rates[i]), places);
      base = out.base;
      taxedIdx.forEach((i, k) => (taxes[i] = out.taxes[k]));
    } else {
      for (const i of taxedIdx) taxes[i] = roundMoney(A.times(rates[i]), places);
    }
    taxable = plan.details.map((_, i) => (isExempt(i) ? zero : base));
    exemptAmt = plan.details.map((_, i) => (isExempt(i) ? base : zero));
  }

  const authorities: TaxAuthority[] = [];
  const byKey = new Map<string, TaxAuthority>();
  for (let i = 0; i < n; i++) {
    const d = plan.details[i];
    const exempt = isExempt(i);
    const detail: TaxDetail = {
      taxType: d.taxType,
      subtotalTaxable: moneyOut(taxable[i], places),
      subtotalExempt: moneyOut(exemptAmt[i], places),
      rate: rateOut(d.rate),
      tax: moneyOut(taxes[i], places),
      exempt,
      ...(exempt ? { exemptionReason: d.exemptionReason } : {}),
      passthrough: false,
      ...(plan.origin ? { originLocation: plan.origin.purpose } : {}),
      ...(plan.destination ? { destinationLocation: plan.destination.purpose } : {}),
    };
    const key = `${d.jurisdictionType}|${d.jurisdictionCode}|${d.jurisdictionName}`;
    let authority = byKey.get(key);
    if (!authority) {
      authority = { jurisdictionName: d.jurisdictionName, jurisdictionType: d.jurisdictionType, jurisdictionCode: d.jurisdictionCode, details: [] };
      byKey.set(key, authority);
      authorities.push(authority);
    }
    authority.details.push(detail);
  }

  const appliedTax = sum(taxes);
  // Line subtotalTaxable: the highest amount taxed by any tax; exempt: what is left of the net amount.
  const lineTaxable = taxable.reduce((m, t) => (t.abs().gt(m.abs()) ? t : m), zero);
  const net = plan.taxIncluded ? A.minus(appliedTax) : A;
  const lineExempt = net.minus(lineTaxable);
  return {
    calculatedTax: {
      appliedTax: moneyOut(appliedTax, places),
      subtotalTaxable: moneyOut(lineTaxable, places),
      subtotalExempt: moneyOut(lineExempt, places),
      taxAuthorities: authorities,
    },
    appliedTax,
    subtotalTaxable: roundMoney(lineTaxable, places),
    subtotalExempt: roundMoney(lineExempt, places),
  };
}

function stripTaxLocationPurpose(locations: Locations | undefined): void {
  if (!locations) return;
  for (const value of Object.values(locations)) if (isPresent(value)) delete value.taxLocationPurpose;
}

/**
 * Calculate tax on a TNG TaxDocument. Pure and deterministic: no I/O, no clock, the input is not mutated.
 * See docs/tax-engine.md for the rules of this first cut.
 */
export const calculateTax: CalculateTax = (document, company, content) => {
  const inHeader = document.header;
  const taxDate = isoDate(inHeader.taxCalculationDate ?? inHeader.transactionDate, inHeader.taxCalculationDate != null ? '/header/taxCalculationDate' : '/header/transactionDate');
  const currency = (nonEmpty(inHeader.currency) ? inHeader.currency : nonEmpty(company.defaultCurrency) ? company.defaultCurrency : 'USD').trim().toUpperCase();
  const places = minorUnits(currency);

  const header: TaxDocumentHeader & { currency: string } = { ...structuredClone(inHeader), currency };
  stripTaxLocationPurpose(header.defaultLocations);
  const inLines = document.lines ?? [];
  const lines = inLines.map((l) => {
    // A copy the output owns: nested objects the engine writes to (locations) or hands out are cloned.
    const { calculatedTax: _ignored, ...rest } = l;
    const copy = rest as TaxDocumentLine;
    if (l.locations) {
      copy.locations = structuredClone(l.locations);
      stripTaxLocationPurpose(copy.locations);
    }
    if (l.metadata) copy.metadata = { ...l.metadata };
    return copy;
  });

  const ratesByState = stateRatesOn(content, taxDate);
  // Plans read the clones, so the location contents they reference are the output's own objects.
  const ctx: LineContext = {
    header,
    company,
    content,
    ratesByState,
    nexus: activeNexus(company, header.transactionType, taxDate),
    date: taxDate,
    places,
    isReturn: RETURN_DOCUMENT_TYPES.has(header.metadata?.documentType ?? ''),
    headerLocations: effectiveLocations(header, {} as TaxDocumentLine),
  };
  const plans = lines.map((l, i) => planLine(l, i, ctx));
  if (inHeader.totalTaxOverrideAmount != null) {
    spreadHeaderOverride(plans, roundMoney(toDecimal(inHeader.totalTaxOverrideAmount, '/header/totalTaxOverrideAmount'), places), places);
  }

  const results = plans.map((p) => calculateLine(p, places));

  // taxLocationPurpose on the location contents used (first line to use a header location decides).
  plans.forEach((p) => {
    if (p.details.length === 0) return;
    const mark = (ref: LocationRef | undefined, role: Role) => {
      if (ref && (ref.fromLine || ref.content.taxLocationPurpose === undefined)) ref.content.taxLocationPurpose = role;
    };
    if (p.origin && p.destination && p.origin.purpose === p.destination.purpose) mark(p.origin, p.role!);
    else {
      mark(p.origin, 'origin');
      mark(p.destination, 'destination');
    }
  });

  const outLines = lines.map((l, i) => {
    const out = l as TaxDocumentLine & { calculatedTax: CalculatedTax };
    out.quantity = l.quantity ?? 1;
    out.unitOfMeasure = l.unitOfMeasure ?? 'Each';
    out.avalaraGoodsAndServicesType = plans[i].taxCode;
    out.avalaraGoodsAndServicesModifierType = l.avalaraGoodsAndServicesModifierType ?? header.defaultAvalaraGoodsAndServicesModifierType ?? 'Title';
    out.calculatedTax = results[i].calculatedTax;
    return out;
  });

  const subtotal = sum(plans.map((p) => p.amount));
  const tax = sum(results.map((r) => r.appliedTax));
  const includedTax = sum(results.filter((_, i) => plans[i].taxIncluded).map((r) => r.appliedTax));
  const taxableLines = results.filter((r) => !r.appliedTax.isZero() || !r.subtotalTaxable.isZero()).length;
  const summary: CalculatedTaxSummary = {
    numberOfTaxableLines: taxableLines,
    numberOfExemptLines: results.length - taxableLines,
    numberOfLines: results.length,
    subtotal: moneyOut(subtotal, places),
    subtotalTaxable: moneyOut(sum(results.map((r) => r.subtotalTaxable)), places),
    subtotalExempt: moneyOut(sum(results.map((r) => r.subtotalExempt)), places),
    tax: moneyOut(tax, places),
    // What the buyer pays: tax-included lines already contain their tax.
    grandTotal: moneyOut(subtotal.plus(tax).minus(includedTax), places),
  };

  const calculated: CalculatedTaxDocument = { header, lines: outLines, calculatedTaxSummary: summary };
  return { document: calculated, contentVersion: content.version, taxDate };
};

/**
 * Maps an exemptionReason the engine wrote back to its filing-report category. Every reason text the
 * engine produces must be covered here (engine.spec checks the known ones).
 */
export function exemptionCategoryOf(reason: string | undefined): ExemptionCategory | undefined {
  if (reason === undefined) return undefined;
  if (reason === EXEMPTION_NO_NEXUS) return 'no_nexus';
  if (reason === EXEMPTION_TAX_PAYER_CODE || reason.startsWith('Entity use code') || reason.startsWith('Exemption certificate')) {
    return 'certificate_or_entity_use';
  }
  if (reason.startsWith('Non-taxable')) return 'non_taxable';
  return 'other';
}

/**
 * The jurisdictions an address lies in on a date (default: every jurisdiction content knows for it),
 * outermost first: the US state (when content has a state rate), then the county / city / special
 * districts of the address's ZIP5 boundary (postalCode, first five digits). Pure: no I/O.
 */
export function jurisdictionsForAddress(
  address: { country?: string | null; region?: string | null; postalCode?: string | null },
  content: TaxContent,
  date?: string,
): Jurisdiction[] {
  const state = resolveUsState(address.region ?? undefined);
  const country = normaliseCountry(address.country ?? undefined) ?? (state ? 'US' : undefined);
  if (country !== undefined && country !== 'US') return vatJurisdictions(country, address.region?.trim().toUpperCase() ?? '', content, date);
  if (country !== 'US' || !state) return [];
  const known = content.rates.some(
    (r) => r.jurisdictionType === 'StateOrProvince' && resolveUsState(r.region)?.code === state.code && (date === undefined || activeOn(r.effectiveDate, r.endDate, date)),
  );
  if (!known) return [];
  const out: Jurisdiction[] = [{ country: 'US', region: state.code, jurisTypeId: 'STA', jurisCode: state.fips, jurisName: state.name }];
  const zip = zip5(address.postalCode ?? undefined);
  const seen = new Set<string>();
  const add = (j: LocalJurisdiction) => {
    if (seen.has(j.jurisCode)) return;
    seen.add(j.jurisCode);
    out.push({ country: 'US', region: j.region, jurisTypeId: j.jurisTypeId, jurisCode: j.jurisCode, jurisName: j.jurisName });
  };
  if (zip && date !== undefined) {
    for (const l of zipLookup(content, state.code, zip, date)?.locals ?? []) add(l.jurisdiction);
  } else if (zip) {
    const byCode = new Map((content.localJurisdictions ?? []).filter((j) => j.region === state.code).map((j) => [j.jurisCode, j]));
    for (const b of content.boundaries ?? []) if (b.zip === zip && b.region === state.code) for (const c of b.jurisCodes) if (byCode.has(c)) add(byCode.get(c)!);
  }
  const order: Record<string, number> = { STA: 0, CTY: 1, CIT: 2, STJ: 3 };
  return out.sort((a, b) => order[a.jurisTypeId] - order[b.jurisTypeId]);
}

/** VAT/GST countries: the country (CNT) and, where it levies its own tax (Canadian PST/QST/RST), the province (STA). */
function vatJurisdictions(country: string, region: string, content: TaxContent, date: string | undefined): Jurisdiction[] {
  const entries = content.rates.filter(
    (r) => r.country === country && (r.region === '' || r.region === region) && (date === undefined || activeOn(r.effectiveDate, r.endDate, date)),
  );
  const out: Jurisdiction[] = [];
  const top = entries.find((r) => r.jurisdictionType === 'Country');
  if (top) out.push({ country, region: '', jurisTypeId: 'CNT', jurisCode: top.jurisdictionCode, jurisName: top.jurisdictionName });
  const province = entries.find((r) => r.jurisdictionType === 'StateOrProvince');
  if (province) out.push({ country, region, jurisTypeId: 'STA', jurisCode: province.jurisdictionCode, jurisName: province.jurisdictionName });
  return out;
}

/** First five digits of a US ZIP ("98101-1234" → "98101"); undefined when it is not one. */
export function zip5(value: string | undefined | null): string | undefined {
  const m = typeof value === 'string' ? /^\s*(\d{5})(?:[-\s]?\d{4})?\s*$/.exec(value) : null;
  return m ? m[1] : undefined;
}
