/* Summary of a V8 .cpuprofile (node --cpu-prof): where the self time went, by function and by area. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { round } from './common';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface ProfileSummary {
  file: string;
  sampledMs: number;
  /** Self time per function (top entries), percent of all samples. */
  functions: { percent: number; fn: string; where: string }[];
  /** Self time per area: a package under node_modules, a directory of ours, node internals, GC, idle. */
  areas: { percent: number; area: string }[];
  /**
   * Inclusive time (the function and everything it called synchronously) of our own functions (apps/,
   * libs/): a stage breakdown. Async functions count each synchronous slice; stages nest, so the
   * percentages overlap and do not add up.
   */
  ourStages: { percent: number; fn: string; where: string }[];
}

function area(url: string, functionName: string): string {
  if (url === '') {
    if (functionName === '(idle)') return '(idle: waiting for I/O)';
    if (functionName === '(garbage collector)') return '(garbage collector)';
    if (functionName === '(program)') return '(program: native code outside JS, e.g. SQLite, fsync, syscalls)';
    return `(native: ${functionName || 'anonymous'})`;
  }
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  if (url.startsWith('node:')) return 'node internals';
  const ours = /\/(apps\/[^/]+\/src\/[^/]+|libs\/[^/]+|bench)\//.exec(url);
  if (ours) return ours[1];
  return url;
}

function where(url: string, line: number): string {
  if (!url) return '';
  const short = url.replace(/^file:\/\//, '').replace(/^.*?\/(node_modules|dist|benchbuild)\//, (_m, d: string) => (d === 'node_modules' ? 'node_modules/' : ''));
  return `${short}:${line + 1}`;
}

export function summarizeProfile(file: string, top = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfTime = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    selfTime.set(profile.samples[i], (selfTime.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  let total = 0;
  const byFunction = new Map<string, { fn: string; where: string; t: number }>();
  const byArea = new Map<string, number>();
  for (const [id, t] of selfTime) {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    total += t;
    const key = `${functionName}@${url}:${lineNumber}`;
    const entry = byFunction.get(key) ?? { fn: functionName || '(anonymous)', where: where(url, lineNumber), t: 0 };
    entry.t += t;
    byFunction.set(key, entry);
    const a = area(url, functionName);
    byArea.set(a, (byArea.get(a) ?? 0) + t);
  }
  const pct = (t: number) => round((t / Math.max(1, total)) * 100, 1);

  // Inclusive time per function of ours, counting a node only when no ancestor is the same function.
  const inclusive = new Map<string, { fn: string; where: string; t: number }>();
  const root = profile.nodes[0];
  const walk = (id: number, active: Set<string>): number => {
    const node = nodes.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName}@${url}:${lineNumber}`;
    const ours = /\/(apps|libs)\//.test(url) && !url.includes('node_modules');
    const counted = ours && !active.has(key);
    if (counted) active.add(key);
    let t = selfTime.get(id) ?? 0;
    for (const child of node.children ?? []) t += walk(child, active);
    if (counted) {
      active.delete(key);
      const entry = inclusive.get(key) ?? { fn: functionName || '(anonymous)', where: where(url, lineNumber), t: 0 };
      entry.t += t;
      inclusive.set(key, entry);
    }
    return t;
  };
  if (root) walk(root.id, new Set());
  return {
    file,
    sampledMs: Math.round(total / 1000),
    functions: [...byFunction.values()]
      .sort((a, b) => b.t - a.t)
      .slice(0, top)
      .map((e) => ({ percent: pct(e.t), fn: e.fn, where: e.where })),
    areas: [...byArea.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([a, t]) => ({ percent: pct(t), area: a })),
    ourStages: [...inclusive.values()]
      .sort((a, b) => b.t - a.t)
      .slice(0, top)
      .map((e) => ({ percent: pct(e.t), fn: e.fn, where: e.where })),
  };
}

/** The newest profile in `dir` whose name starts with `prefix` (written by --cpu-prof-name=prefix-…). */
export function newestProfile(dir: string, prefix: string): string | undefined {
  try {
    return readdirSync(dir)
      .filter((f) => f.startsWith(prefix) && f.endsWith('.cpuprofile'))
      .map((f) => join(dir, f))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  } catch {
    return undefined;
  }
}

export function formatProfile(summary: ProfileSummary): string {
  const lines = [`${summary.file} (${summary.sampledMs} ms sampled)`, '  by area:'];
  for (const a of summary.areas) lines.push(`    ${a.percent.toFixed(1).padStart(5)} %  ${a.area}`);
  lines.push('  by function (self time):');
  for (const f of summary.functions) lines.push(`    ${f.percent.toFixed(1).padStart(5)} %  ${f.fn}  ${f.where}`);
  lines.push('  our functions, inclusive (nested stages overlap):');
  for (const f of summary.ourStages) lines.push(`    ${f.percent.toFixed(1).padStart(5)} %  ${f.fn}  ${f.where}`);
  return lines.join('\n');
}
