/* autocannon as a library, with latencies kept at full (sub-millisecond) precision. */
import { percentile, round } from './common';

// autocannon ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const autocannon = require('autocannon') as (options: Record<string, unknown>) => any;

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  /** Called for every request: returns the body and/or path of this one. */
  vary?: (n: number) => { body?: string; path?: string };
}

export interface LoadResult {
  connections: number;
  durationSeconds: number;
  requests: number;
  requestsPerSec: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  statusCodes: Record<string, number>;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** autocannon's own figures (its latency histogram has 1 ms resolution). */
  autocannon: { requestsPerSecAverage: number; latencyP50: number; latencyP99: number };
}

/**
 * Waits until the server has answered everything still queued from a load run (requests autocannon
 * stopped waiting for): a /health answer comes after them on a server that handles requests in order.
 */
export async function drain(port: number): Promise<void> {
  const { httpCall } = await import('./common');
  await httpCall(port, 'GET', '/health', {});
}

export async function runLoad(port: number, request: LoadRequest, options: { connections: number; seconds: number }): Promise<LoadResult> {
  let n = 0;
  const latencies: number[] = [];
  const instance = autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: options.connections,
    duration: options.seconds,
    pipelining: 1,
    timeout: 30,
    requests: [
      {
        method: request.method,
        path: request.path,
        headers: request.headers,
        // autocannon calls setupRequest whenever the key is present, even when undefined
        ...(request.vary
          ? {
              setupRequest: (req: any) => {
                const v = request.vary!(n++);
                return { ...req, ...(v.body !== undefined ? { body: v.body } : {}), ...(v.path !== undefined ? { path: v.path } : {}) };
              },
            }
          : {}),
      } as any,
    ],
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    latencies.push(responseTime);
  });
  const result: any = await instance;
  await drain(port);
  latencies.sort((a, b) => a - b);
  const total = result.requests.total as number;
  const codes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) codes[code] = (stats as { count: number }).count;
  return {
    connections: options.connections,
    durationSeconds: result.duration,
    requests: total,
    requestsPerSec: Math.round(total / result.duration),
    latencyMs: {
      mean: round(latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length), 3),
      p50: round(percentile(latencies, 50), 3),
      p90: round(percentile(latencies, 90), 3),
      p99: round(percentile(latencies, 99), 3),
      max: round(latencies[latencies.length - 1] ?? NaN, 3),
    },
    statusCodes: codes,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    autocannon: { requestsPerSecAverage: result.requests.average, latencyP50: result.latency.p50, latencyP99: result.latency.p99 },
  };
}
