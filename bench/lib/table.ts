/* The readable table `npm run bench` prints from results.json. */

type Any = any;

const fmt = (v: unknown, digits = 0): string => {
  if (v === undefined || v === null || (typeof v === 'number' && !Number.isFinite(v))) return '-';
  if (typeof v === 'number') return v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  return String(v);
};

function table(headers: string[], rows: (string | number | undefined)[][], align: ('l' | 'r')[] = []): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : (c ?? '-'))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => String(r[i] ?? '').length)));
  const pad = (s: string, i: number) => ((align[i] ?? (i === 0 ? 'l' : 'r')) === 'l' ? s.padEnd(widths[i]) : s.padStart(widths[i]));
  const line = (r: string[]) => `  ${r.map((c, i) => pad(String(c ?? ''), i)).join('  ')}`.trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map((r) => line(r as string[]))].join('\n');
}

const verdict = (met: boolean | undefined) => (met === undefined ? 'n/a' : met ? 'MET' : 'MISSED');

export function renderTable(results: Any): string {
  const out: string[] = [];
  const m = results.machine;
  out.push(`tax-ledger benchmarks  ${results.run.startedAt}`);
  out.push(`${m.cpuModel} x ${m.cpuCount} cores, ${m.totalMemoryGiB} GiB, ${m.os}, node ${m.node}, commit ${String(m.gitCommit).slice(0, 10)}${m.gitDirty ? ' (+ local changes)' : ''}`);
  out.push(`load average at start ${m.loadAverageAtStart.join(' ')}, at end ${results.run.loadAverageAtEnd?.join(' ') ?? '-'}; total ${fmt(results.run.totalSeconds)} s`);

  const p = results.parts;
  if (p.http && !p.http.error) {
    const h = p.http;
    out.push('', `HTTP POST /transactions  (${h.parameters.connections} connections, ${h.parameters.durationSeconds} s after ${h.parameters.warmUpSeconds} s warm-up, LOG_LEVEL=${h.parameters.logLevel})`);
    const row = (name: string, x: Any) => [
      name,
      x.load.requestsPerSec,
      fmt(x.load.latencyMs.p50, 2),
      fmt(x.load.latencyMs.p99, 2),
      x.load.non2xx,
      x.load.errors,
      `${fmt(x.serverCpuPercent)} %`,
      fmt(x.serverCpuMsPerRequest, 3),
      `${fmt(x.serverPeakRssMb)} MB`,
      `${fmt(x.loadGeneratorCpuPercent)} %`,
    ];
    out.push(
      table(
        ['server', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'server CPU', 'CPU ms/req', 'server RSS', 'autocannon CPU'],
        [row('ledger (embedded, FULL)', h.ledger), row('bare Fastify (ceiling)', h.bareFastify)],
      ),
    );
    out.push(`  ledger / ceiling: ${fmt(h.ratioToCeiling, 3)};  commands per commit (from the log): mean ${fmt(h.ledger.commitGroups?.meanCommandsPerCommit, 2)}`);
    out.push(`  target >= 4,000 req/s and p99 <= 10 ms: ${verdict(h.target.met)}`);
  }

  if (p.eventStore && !p.eventStore.error) {
    const e = p.eventStore;
    out.push('', `Event store appends  (${e.parameters.appenders} concurrent appenders, ${e.parameters.secondsPerSystem} s each, synchronous=FULL, new stream per command)`);
    const systems = [...new Set(e.cases.map((c: Any) => c.system))] as string[];
    const pick = (system: string, k: number) => e.cases.find((c: Any) => c.system === system && c.eventsPerCommand === k);
    out.push(
      table(
        ['system', '1-event cmd/s', 'p99 ms', 'group', '10-event cmd/s', 'events/s', 'p99 ms', 'group'],
        systems.map((s) => {
          const a = pick(s, 1);
          const b = pick(s, 10);
          return [
            s,
            a?.commandsPerSec,
            a?.latencyP99Ms === undefined ? '-' : fmt(a.latencyP99Ms, 2),
            a?.groupSizes ? fmt(a.groupSizes.mean, 1) : '-',
            b?.commandsPerSec,
            b?.eventsPerSec,
            b?.latencyP99Ms === undefined ? '-' : fmt(b.latencyP99Ms, 2),
            b?.groupSizes ? fmt(b.groupSizes.mean, 1) : '-',
          ];
        }),
      ),
    );
    const r1 = e.ratios.k1;
    const r10 = e.ratios.k10;
    out.push(`  ours / raw grouped as ours: ${fmt(r1.oursVsRawGrouped, 3)} (1 event), ${fmt(r10.oursVsRawGrouped, 3)} (10 events);  ours / raw one commit per command: ${fmt(r1.oursVsRawPerCommand, 2)}, ${fmt(r10.oursVsRawPerCommand, 2)}`);
    out.push(`  ours / emmett-sqlite: ${fmt(r1.oursVsEmmett, 1)}x (1 event), ${fmt(r10.oursVsEmmett, 1)}x (10 events)`);
    out.push(`  target single-event appends >= 50 % of raw grouped the same way: ${verdict(e.target.met)}`);
  }

  if (p.replay && !p.replay.error) {
    const r = p.replay;
    out.push('', `Replay: rebuild of the read models from the log  (${r.parameters.mode})`);
    out.push(
      table(
        ['events', 'documents', 'log MiB', 'with read models MiB', 'rebuild s', 'events/s', 'CPU s', 'events/CPU s', 'read-only pass events/s', 'RSS before MB', 'peak RSS MB'],
        r.runs.map((x: Any) => [
          x.log.events,
          x.log.documents,
          x.log.logMiB,
          x.log.withReadModelsMiB,
          fmt(x.rebuild.seconds, 1),
          x.rebuild.eventsPerSec,
          fmt(x.rebuild.cpuSeconds, 1),
          x.rebuild.eventsPerCpuSec,
          x.rebuild.readOnlyPass?.eventsPerSec,
          fmt(x.rebuild.rssBeforeMb, 0),
          fmt(x.rebuild.peakRssMb, 0),
        ]),
      ),
    );
    out.push(`  peak RSS largest / smallest: ${fmt(r.memoryGrowth, 2)};  target >= 50,000 events/s with flat memory: ${verdict(r.target.met)}`);
    const u = r.runs.find((x: Any) => x.rebuildUnderLoad)?.rebuildUnderLoad;
    if (u) {
      out.push(
        `  projections rebuild under load (${u.rebuild.events} events, ${u.writes.writers} writers): ${u.rebuild.eventsPerSec} events/s, swap held the write lock ${u.rebuild.swapLockMs} ms ` +
          `(${u.rebuild.caughtUpInLock} events caught up in it, ${u.rebuild.caughtUpBeforeLock} before it in ${u.rebuild.catchUpRounds} rounds); writes: ${u.writes.succeeded} ok, ${u.writes.failed} failed, p50 ${fmt(u.writes.p50Ms, 1)} ms, p99 ${fmt(u.writes.p99Ms, 1)} ms, max ${fmt(u.writes.maxMs, 0)} ms`,
      );
    }
  }

  if (p.reads && !p.reads.error) {
    const r = p.reads;
    out.push('', `Reads  (${fmt(r.parameters.documents)} documents, ${fmt(r.parameters.events)} events, ${r.parameters.connections} connections, ${r.parameters.durationSeconds} s each)`);
    const row = (name: string, x: Any) => [name, x.requestsPerSec, fmt(x.latencyMs.p50, 2), fmt(x.latencyMs.p99, 2), x.non2xx, x.errors, fmt(x.serverCpuMsPerRequest, 3)];
    out.push(table(['query', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'CPU ms/req'], [
          row(`single GET (${r.parameters.connections} conn.)`, r.singleGet),
          row(`list, limit 100, 30-day window (${r.parameters.connections} conn.)`, r.list),
          ...(r.listOneClient ? [row('list, same, 1 connection', r.listOneClient)] : []),
        ]));
    if (r.listSql) {
      out.push(`  listTransactions alone (SQL + JSON.parse, no HTTP): ${r.listSql.windows.map((w: Any) => `${w.startDate} ${fmt(w.ms, 1)} ms`).join(', ')}`);
      out.push(`  plan: ${r.listSql.plan.join('; ')}`);
    }
  }

  if (p.taxEngine && !p.taxEngine.error) {
    const t = p.taxEngine;
    out.push('', 'Tax engine  (calculateTax after warm-up)');
    const row = (x: Any) => [x.name, fmt(x.meanUs, 1), fmt(x.p50Us, 1), fmt(x.p99Us, 1), x.opsPerSec];
    out.push(table(['document', 'mean µs', 'p50 µs', 'p99 µs', 'calculations/s'], [row(t.oneLine), row(t.hundredLines)]));
    out.push(`  target 100 lines < 1 ms: ${verdict(t.target.met)}`);
  }

  const failed = Object.entries(p).filter(([, v]) => (v as Any)?.error);
  for (const [name, v] of failed) out.push('', `${name}: FAILED: ${(v as Any).error}`);
  return out.join('\n');
}
