import type Decimal from 'decimal.js';
import type { CalculateTax, CompanySetup, NexusDeclaration, RateEntry, TaxContent, TaxLevel } from './engine.types';
import { countryRates, taxabilityRulesFor, zipLookup } from './content/lookup';
import { coverageNotes } from './coverage';
import { additionalRules, governingRule, taxedBase, type LinePrice } from './taxability';
import { TaxCalculationError } from './errors';
import { Dec, minorUnits, moneyOut, rateOf, roundMoney, sum, toDecimal } from './money';
import type { CalculatedTax, CalculatedTaxDocument, CalculatedTaxSummary, LocationPurpose, TaxDocumentHeader, TaxDocumentLine } from './tax-document';
import { buyerTaxId, certificateExemptionReason, certificateFor, DEFAULT_TAX_CODE, entityUseExemptionReason, EXEMPTION_NO_NEXUS, EXEMPTION_REVERSE_CHARGE, EXEMPTION_TAX_PAYER_CODE, EXEMPTION_TRANSFER, nonTaxableReason, RETURN_DOCUMENT_TYPES } from './exemptions';
import { stateRatesOn } from './jurisdictions';
import { calculateLine, spreadHeaderOverride, type DetailPlan, type LinePlan } from './line-tax';
import { DESTINATION_ORDER, effectiveLocations, firstOf, ORIGIN_ORDER, placeOf, stripTaxLocationPurpose, type LocationRef, type Role } from './locations';
import { activeNexus, hasCountryNexus, hasLocalNexus, hasStateNexus, mayHaveLocalNexus } from './nexus';
import { nonEmpty } from './util';

export * from './exemptions';
export { backOutTaxIncluded } from './line-tax';
export { jurisdictionsForAddress } from './jurisdictions';
export { DESTINATION_ORDER, ORIGIN_ORDER, zip5 } from './locations';

/** ISO date (YYYY-MM-DD) of a date or date-time string. */
function isoDate(value: unknown, path: string): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) && isCalendarDate(value.slice(0, 10))) return value.slice(0, 10);
  throw new TaxCalculationError('InvalidDate', `${path} must be an ISO 8601 date (YYYY-MM-DD) that exists in the calendar`, path);
}

/** 2026-02-28 is, 2026-02-30 is not (Date would roll it over to March 2). */
export function isCalendarDate(day: string): boolean {
  const t = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === day;
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

interface LineContext {
  header: TaxDocumentHeader;
  company: CompanySetup;
  content: TaxContent;
  ratesByState: Map<string, RateEntry[]>;
  nexus: NexusDeclaration[] | undefined;
  date: string;
  /** The document's currency (ISO 4217) and its minor units. */
  currency: string;
  places: number;
  isReturn: boolean;
  /** The header's default locations, for the lines without their own. */
  headerLocations: Map<LocationPurpose, LocationRef>;
}

const LOCAL_LEVELS = ['County', 'City', 'Special'] as const;
const useTaxType = (taxType: string) => taxType.replace(/ Sales$/, ' Use');

/** Unit price and quantity of a line for price conditions and bands (quantity ≤ 0 or absent counts as 1). */
function linePrice(line: TaxDocumentLine, amount: Decimal): LinePrice {
  const q = typeof line.quantity === 'number' && Number.isFinite(line.quantity) && line.quantity > 0 ? new Dec(line.quantity) : new Dec(1);
  return { quantity: q, unitPrice: amount.abs().div(q) };
}

function planLine(line: TaxDocumentLine, index: number, ctx: LineContext): LinePlan {
  const { header, company, content, date, places } = ctx;
  const sign = ctx.isReturn ? -1 : 1;
  const amount = toDecimal(line.extendedAmount, `/lines/${index}/extendedAmount`).times(sign);
  if (line.quantity !== undefined && line.quantity !== null) toDecimal(line.quantity, `/lines/${index}/quantity`); // finite and in range
  const taxCode = taxCodeOf(line, company);
  const plan: LinePlan = { amount, taxIncluded: line.taxIncluded === true, details: [], allExempt: false, hasLineOverride: false, taxCode, messages: [] };
  const note = coverageNotes(plan.messages, line, index);
  if (line.taxOverrideAmount != null) {
    plan.forcedTax = roundMoney(toDecimal(line.taxOverrideAmount, `/lines/${index}/taxOverrideAmount`).times(sign), places);
    plan.hasLineOverride = true;
  }

  const locations = line.locations ? effectiveLocations(header, line) : ctx.headerLocations;
  const origin = firstOf(ORIGIN_ORDER, locations);
  const destination = firstOf(DESTINATION_ORDER, locations);
  if (!origin && !destination) {
    note.noLocation();
    return plan;
  }
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
  if (!place?.country) {
    note.noLocation(sourced.purpose);
    return plan;
  }
  note.address(place, sourced.purpose);
  for (const p of destinationLevels.length > 0 && d && d !== place ? [d] : []) note.address(p, destination!.purpose);

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

  const taxability = taxabilityRulesFor(content, taxCode, place.country, regionCode, date);
  const category = taxability.category;
  // prices and bands are compared in their own currency only; never a JPY amount against a USD threshold
  const foreign = taxability.rules.find((r) => r.currency !== undefined && r.currency !== ctx.currency);
  const rules = foreign ? taxability.rules.filter((r) => r.currency === undefined || r.currency === ctx.currency) : taxability.rules;
  const price = linePrice(line, amount);
  const where = regionCode ? `${place.country}-${regionCode}` : place.country;
  note.taxability(content, taxCode, category, place.country, regionCode, date);
  if (foreign) note.priceCurrency(category ?? taxCode, place.country, regionCode, foreign.currency!, ctx.currency);
  const topLevel: TaxLevel = place.country === 'US' ? 'StateOrProvince' : 'Country';
  /** One tax of the line under the rule that governs it: its rate, base and exemption. */
  const detail = (level: TaxLevel, r: RateEntry, nexus: boolean, baseRate?: string): DetailPlan => {
    const rule = governingRule(rules, level, r.jurisdictionCode, price, topLevel);
    const rate = rule?.treatment === 'reduced' && rule.rate !== undefined ? rateOf(rule.rate) : rateOf(baseRate ?? r.rate);
    const exempt = rule?.treatment === 'exempt' ? (rule.holiday ? `Non-taxable: ${rule.holiday}` : nonTaxableReason(taxCode, where)) : undefined;
    const base = taxedBase(rule, amount, price);
    return {
      jurisdictionName: r.jurisdictionName,
      jurisdictionType: r.jurisdictionType,
      jurisdictionCode: r.jurisdictionCode,
      taxType: kind === 'Purchase' ? useTaxType(r.taxType) : r.taxType,
      rate,
      exemptionReason: !nexus ? EXEMPTION_NO_NEXUS : (exempt ?? lineReason),
      ...(base !== undefined ? { base } : {}),
    };
  };
  /** Extra taxes a rule adds at a level (TN single-article tax), beside the level's own detail. */
  const additional = (level: TaxLevel, r: RateEntry, nexus: boolean) => {
    for (const rule of additionalRules(rules, level, r.jurisdictionCode, price, topLevel)) {
      const base = taxedBase(rule, amount, price);
      if (base !== undefined && base.isZero()) continue;
      const taxType = rule.taxType ?? `${r.jurisdictionName} Additional`;
      plan.details.push({
        jurisdictionName: r.jurisdictionName,
        jurisdictionType: r.jurisdictionType,
        jurisdictionCode: r.jurisdictionCode,
        taxType: kind === 'Purchase' ? useTaxType(taxType) : taxType,
        rate: rateOf(rule.rate!),
        exemptionReason: !nexus ? EXEMPTION_NO_NEXUS : lineReason,
        ...(base !== undefined ? { base } : {}),
      });
    }
  };

  if (place.country === 'US') {
    const state = place.state;
    const entries = state ? ctx.ratesByState.get(state.code) : undefined;
    if (!state || !entries || entries.length === 0) {
      note.noStateRate(content, state, date);
      return plan;
    }
    const placeFor = (level: string) => (destinationLevels.includes(level) ? d! : place);
    const stateLookup = zipLookup(content, state.code, place.zip, date);
    const stateNexus = hasStateNexus(ctx.nexus, state);
    for (const r of entries) {
      plan.details.push(detail('StateOrProvince', r, stateNexus, stateLookup?.boundary.stateRate));
      additional('StateOrProvince', r, stateNexus);
    }
    if (stateNexus && mayHaveLocalNexus(ctx.nexus, state)) {
      const sides = new Set(LOCAL_LEVELS.map(placeFor));
      for (const side of sides) note.localCoverage(content, state, side.zip, date);
    }
    for (const level of LOCAL_LEVELS) {
      const at = placeFor(level);
      for (const l of zipLookup(content, state.code, at.zip, date)?.locals ?? []) {
        if (l.rate.jurisdictionType !== level) continue;
        const nexus = hasLocalNexus(ctx.nexus, state, l.jurisdiction);
        plan.details.push(detail(level, l.rate, nexus));
        additional(level, l.rate, nexus);
      }
    }
    // one taxed detail rounds the same either way (and keeps the exact integer path)
    plan.combinedRounding = plan.details.length > 1 && (content.combinedRateRounding?.includes(state.code) ?? false);
  } else {
    const entries = countryRates(content, place.country, place.region, date);
    if (entries.length === 0) {
      note.noCountryRate(content, place.country, place.region, date);
      return plan;
    }
    const nexus = hasCountryNexus(ctx.nexus, place.country);
    const taxId = buyerTaxId(header, line);
    const crossBorder = o?.country !== undefined && o.country !== place.country;
    const reverseCharge = kind === 'Sale' && crossBorder && taxId !== undefined ? `${EXEMPTION_REVERSE_CHARGE} (${taxId})` : undefined;
    for (const r of entries) {
      const level: TaxLevel = r.jurisdictionType === 'Country' ? 'Country' : 'StateOrProvince';
      const planned = detail(level, r, nexus);
      if (planned.exemptionReason === lineReason && reverseCharge !== undefined && nexus) planned.exemptionReason = reverseCharge;
      plan.details.push(planned);
    }
  }
  plan.allExempt = plan.details.every((x) => x.exemptionReason !== undefined);
  plan.origin = origin;
  plan.destination = destination;
  plan.role = role;
  return plan;
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
    currency,
    places,
    isReturn: RETURN_DOCUMENT_TYPES.has(header.metadata?.documentType ?? ''),
    headerLocations: effectiveLocations(header, {} as TaxDocumentLine),
  };
  // A line with a tax date of its own is calculated with that date's rates, nexus and taxability.
  const contexts = new Map<string, LineContext>([[taxDate, ctx]]);
  const contextOf = (line: TaxDocumentLine, i: number): LineContext => {
    if (line.taxCalculationDate == null) return ctx;
    const date = isoDate(line.taxCalculationDate, `/lines/${i}/taxCalculationDate`);
    let own = contexts.get(date);
    if (!own) {
      own = { ...ctx, date, ratesByState: stateRatesOn(content, date), nexus: activeNexus(company, header.transactionType, date) };
      contexts.set(date, own);
    }
    return own;
  };
  const plans = lines.map((l, i) => planLine(l, i, contextOf(l, i)));
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

  const messages = plans.flatMap((p) => p.messages);
  const calculated: CalculatedTaxDocument = { header, lines: outLines, calculatedTaxSummary: summary, ...(messages.length > 0 ? { messages } : {}) };
  return { document: calculated, contentVersion: content.version, taxDate };
};
