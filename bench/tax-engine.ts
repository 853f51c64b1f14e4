/*
 * Part 5: the tax engine alone. calculateTax on a 1-line and a 100-line document after warm-up:
 * mean µs per calculation, calculations/s, and p50/p99 of single calls. Target: 100 lines < 1 ms.
 */
import { calculateTax, loadDefaultContent, type TaxDocument } from '@tax-ledger/tax-engine';
import { performance } from 'node:perf_hooks';
import { envNumber, log, percentile, round, runPart } from './lib/common';
import { benchDocument, COMPANY_CODE } from './lib/documents';

function measure(name: string, document: TaxDocument, seconds: number) {
  const content = loadDefaultContent();
  const company = { companyCode: COMPANY_CODE, defaultCurrency: 'USD' };
  let sink = 0;
  // Warm-up: long enough for the optimising compiler to settle.
  const warmUntil = performance.now() + Math.max(500, seconds * 300);
  while (performance.now() < warmUntil) sink += calculateTax(document, company, content).document.calculatedTaxSummary.tax;

  const samples: number[] = [];
  const started = performance.now();
  const until = started + seconds * 1000;
  let now = started;
  while (now < until) {
    const t0 = now;
    sink += calculateTax(document, company, content).document.calculatedTaxSummary.tax;
    now = performance.now();
    samples.push((now - t0) * 1000);
  }
  const elapsedMs = now - started;
  if (Number.isNaN(sink)) throw new Error('calculateTax returned no tax');
  samples.sort((a, b) => a - b);
  const meanUs = (elapsedMs * 1000) / samples.length;
  const result = {
    name,
    lines: document.lines.length,
    iterations: samples.length,
    meanUs: round(meanUs, 1),
    p50Us: round(percentile(samples, 50), 1),
    p99Us: round(percentile(samples, 99), 1),
    opsPerSec: Math.round(samples.length / (elapsedMs / 1000)),
  };
  log(`tax engine ${name}: mean ${result.meanUs} µs, ${result.opsPerSec} calculations/s`);
  return result;
}

runPart(async () => {
  const seconds = envNumber('BENCH_ENGINE_SECONDS', 2);
  const oneLine = benchDocument(1, { lineCount: 1 });
  const hundredLines = benchDocument(2, { lineCount: 100 });
  const content = loadDefaultContent();
  const detailsOf = (d: TaxDocument) =>
    calculateTax(d, { companyCode: COMPANY_CODE }, content).document.lines.reduce((n, l) => n + l.calculatedTax.taxAuthorities.reduce((m, a) => m + a.details.length, 0), 0);
  const one = measure('1 line', oneLine, seconds);
  const hundred = measure('100 lines', hundredLines, seconds);
  return {
    parameters: {
      secondsPerCase: seconds,
      warmUpSeconds: Math.max(0.5, seconds * 0.3),
      documents:
        '1-line and 100-line seed-like Sale documents, shipped WA -> one of 10 US places (ZIPs with local content get county/city/special details); every 10th line of the long one ships elsewhere',
    },
    contentVersion: content.version,
    oneLine: { ...one, taxDetails: detailsOf(oneLine) },
    hundredLines: { ...hundred, taxDetails: detailsOf(hundredLines) },
    target: { hundredLinesMeanUsBelow: 1000, met: hundred.meanUs < 1000 },
  };
});
