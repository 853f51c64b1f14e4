/* Realistic, seed-like tax documents for the benchmarks (deterministic: seeded PRNG). */
import type { Address, TaxDocument, TaxDocumentLine } from '@tax-ledger/tax-engine';
import { prng } from './common';

export const COMPANY_CODE = 'A1 Boats';

const PLACES: Address[] = [
  { line1: '1101 Alaskan Way', city: 'Seattle', state: 'WA', zipcode: '98101', country: 'USA' },
  { line1: '600 Congress Ave', city: 'Austin', state: 'TX', zipcode: '78701', country: 'USA' },
  { line1: '1701 Wynkoop St', city: 'Denver', state: 'CO', zipcode: '80202', country: 'USA' },
  { line1: '1120 NW Couch St', city: 'Portland', state: 'OR', zipcode: '97209', country: 'USA' },
  { line1: '233 S Wacker Dr', city: 'Chicago', state: 'IL', zipcode: '60606', country: 'USA' },
  { line1: '1111 Lincoln Rd', city: 'Miami Beach', state: 'FL', zipcode: '33139', country: 'USA' },
  { line1: '350 5th Ave', city: 'New York', state: 'NY', zipcode: '10118', country: 'USA' },
  { line1: '1 Faneuil Hall Sq', city: 'Boston', state: 'MA', zipcode: '02109', country: 'USA' },
  { line1: '2 E Jefferson St', city: 'Phoenix', state: 'AZ', zipcode: '85004', country: 'USA' },
  { line1: '1 Market Pl', city: 'San Diego', state: 'CA', zipcode: '92101', country: 'USA' },
];

const ITEMS: { itemCode: string; itemDescription: string; price: number }[] = [
  { itemCode: '22456366', itemDescription: "Men's adidas FREEFOOTBALL JANEIRINHA Soccer Shoes", price: 32.5 },
  { itemCode: 'SKU-88', itemDescription: 'Shin guards, youth', price: 39.99 },
  { itemCode: 'BALL-5', itemDescription: 'Match ball, size 5', price: 24.95 },
  { itemCode: 'JERSEY-H', itemDescription: 'Home jersey, short sleeve', price: 69 },
  { itemCode: 'SOCKS-3P', itemDescription: 'Socks, 3 pairs', price: 12.5 },
  { itemCode: 'GLOVES-GK', itemDescription: 'Goalkeeper gloves', price: 44.9 },
  { itemCode: 'BAG-TEAM', itemDescription: 'Team bag with shoe compartment', price: 55 },
  { itemCode: 'CONE-20', itemDescription: 'Training cones, set of 20', price: 18.75 },
  { itemCode: 'BOTTLE-1L', itemDescription: 'Water bottle 1 l', price: 8.49 },
  { itemCode: 'SHIP', itemDescription: 'Shipping and handling', price: 9.95 },
];

const CUSTOMERS = ['ArgosyCruises', 'SoundersFC', 'CascadeYouthSoccer', 'PugetSoundSports', 'EvergreenAcademy', 'RainCityFC'];

const money = (n: number) => Math.round(n * 100) / 100;

function lineOf(rand: () => number, n: number, used: Set<number>): TaxDocumentLine {
  let index = Math.floor(rand() * ITEMS.length);
  while (used.has(index)) index = (index + 1) % ITEMS.length;
  used.add(index);
  const item = ITEMS[index];
  const quantity = 1 + Math.floor(rand() * 6);
  return { lineCode: String(n), itemCode: item.itemCode, quantity, extendedAmount: money(item.price * quantity), itemDescription: item.itemDescription };
}

/**
 * A seed-like document with `lineCount` lines (different items and amounts), shipped from Seattle to
 * one of ten US places. `variant` picks the customer, destination and lines deterministically.
 */
export function benchDocument(variant: number, options: { lineCount?: number; documentCode?: string; transactionDate?: string } = {}): TaxDocument {
  const rand = prng(1000 + variant);
  const lineCount = options.lineCount ?? 3;
  const used = new Set<number>();
  const lines: TaxDocumentLine[] = [];
  for (let n = 1; n <= lineCount; n++) {
    if (used.size === ITEMS.length) used.clear();
    const line = lineOf(rand, n, used);
    // On long documents every tenth line ships elsewhere (line-level locations override the header).
    if (lineCount > 3 && n % 10 === 0) line.locations = { shipTo: { address: PLACES[(variant + n) % PLACES.length] } };
    lines.push(line);
  }
  return {
    header: {
      companyCode: COMPANY_CODE,
      transactionType: 'Sale',
      documentCode: options.documentCode ?? `INV-${variant}`,
      customerCode: CUSTOMERS[variant % CUSTOMERS.length],
      transactionDate: options.transactionDate ?? '2025-06-11',
      defaultLocations: { shipFrom: { address: PLACES[0] }, shipTo: { address: PLACES[variant % PLACES.length] } },
      purchaseOrderNumber: `PO-${10_000 + variant}`,
    },
    lines,
  };
}

/** ISO date `offset` days after `start` (YYYY-MM-DD). */
export function addDays(start: string, offset: number): string {
  const t = Date.parse(`${start}T00:00:00Z`) + offset * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/**
 * A JSON text with placeholders, compiled once and filled many times by concatenation (no
 * JSON.stringify per use). `@@NAME@@` sits inside a JSON string and is replaced by text (the caller
 * keeps it JSON-safe); `"##NAME##"`, a whole string value with its quotes, is replaced by raw JSON
 * (so numbers can be filled in too).
 */
export class JsonTemplate {
  private readonly parts: string[] = [];
  private readonly names: string[] = [];

  constructor(json: string) {
    const re = /"##([A-Z_]+)##"|@@([A-Z_]+)@@/g;
    let last = 0;
    for (let m = re.exec(json); m; m = re.exec(json)) {
      this.parts.push(json.slice(last, m.index));
      this.names.push(m[1] ?? m[2]);
      last = m.index + m[0].length;
    }
    this.parts.push(json.slice(last));
  }

  fill(values: Record<string, string | number>): string {
    let out = this.parts[0];
    for (let i = 0; i < this.names.length; i++) out += String(values[this.names[i]]) + this.parts[i + 1];
    return out;
  }
}
