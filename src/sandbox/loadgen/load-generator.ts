/**
 * The playground's users: requests at a fixed rate to an apex proxy, as one ServiceAccount, bounded in
 * count and time, recording what the users saw (status codes, versions, latency) for the summary.
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { SystemClock, type Clock, type TimerHandle } from '../../time/clock.ts';
import { BACKEND_HEADER, SOURCE_HEADER, SPLIT_VERSION_HEADER } from '../dataplane/smi-data-plane.ts';
import { VERSION_HEADER } from '../sample-app/sample-app.ts';
import { createSeededRandom } from '../sample-app/seeded-random.ts';

/** Options of one load run. */
export interface LoadOptions {
  /** The apex proxy's base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** Requests per second; default 50. */
  rps?: number;
  /** The caller's ServiceAccount as `namespace/name`, sent in `x-kanari-source-sa`. */
  sourceServiceAccount?: string;
  headers?: Record<string, string>;
  /** Paths to request, one picked per request by the seeded PRNG; default `/`. */
  paths?: string[];
  method?: string;
  seed?: number | string;
  /** Stop after this many requests. */
  maxRequests?: number;
  /** Stop after this long. */
  durationMs?: number;
  /** Per-request timeout; default 5 s. */
  timeoutMs?: number;
  /** When each request goes out and when the duration ends; the process clock by default. */
  clock?: Clock;
}

/** One request as the user saw it. */
export interface UserRequest {
  /** HTTP status, or 0 when the request failed without an answer. */
  status: number;
  /** The version that answered, or "" when none did. */
  version: string;
  /** The Service the data plane routed it to, or "" when it named none. */
  backend: string;
  /** The resourceVersion of the TrafficSplit state that routed it, or "" when none did. */
  routedBy: string;
  latencyMs: number;
  /** Epoch ms (of the run's clock) when the request was sent. */
  sentAt: number;
}

/** Totals of what the users saw. */
export interface LoadSummary {
  sent: number;
  completed: number;
  byStatus: Record<string, number>;
  byVersion: Record<string, { requests: number; errors: number }>;
  /** 5xx answers and requests with no answer. */
  errors: number;
  /** 403 answers from access control. */
  denied: number;
  p50LatencyMs: number;
  p99LatencyMs: number;
}

/** A running load; `stop()` ends it early, `done` resolves when it ends either way. */
export interface LoadRun {
  done: Promise<LoadSummary>;
  /** Every completed request so far, in completion order. */
  results(): readonly UserRequest[];
  /** The summary of what completed so far. */
  summary(): LoadSummary;
  stop(): Promise<LoadSummary>;
}

/** Percentile (0..1) of a list of numbers by nearest rank; 0 for an empty list. */
export function nearestRankPercentile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Sums up what users saw. */
export function summarise(results: readonly UserRequest[], sent: number): LoadSummary {
  const byStatus: Record<string, number> = {};
  const byVersion: Record<string, { requests: number; errors: number }> = {};
  let errors = 0;
  let denied = 0;
  for (const r of results) {
    byStatus[String(r.status)] = (byStatus[String(r.status)] ?? 0) + 1;
    const failed = r.status === 0 || r.status >= 500;
    if (failed) errors++;
    if (r.status === 403) denied++;
    if (r.version) {
      const entry = (byVersion[r.version] ??= { requests: 0, errors: 0 });
      entry.requests++;
      if (failed) entry.errors++;
    }
  }
  const latencies = results.map((r) => r.latencyMs);
  return { sent, completed: results.length, byStatus, byVersion, errors, denied, p50LatencyMs: nearestRankPercentile(latencies, 0.5), p99LatencyMs: nearestRankPercentile(latencies, 0.99) };
}

/** Starts sending; the first request leaves at once. */
export function startLoad(options: LoadOptions): LoadRun {
  const rps = options.rps ?? 50;
  const intervalMs = 1000 / rps;
  const random = createSeededRandom(options.seed ?? 'kanari-load');
  const paths = options.paths && options.paths.length > 0 ? options.paths : ['/'];
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const base = new URL(options.url);
  const results: UserRequest[] = [];
  const inFlight = new Set<Promise<void>>();
  const clock = options.clock ?? new SystemClock();
  const startedAt = clock.now();
  let sent = 0;
  let stopped = false;
  let timer: TimerHandle | undefined;
  let finish: (summary: LoadSummary) => void = () => undefined;
  const done = new Promise<LoadSummary>((resolve) => {
    finish = resolve;
  });

  const sendOne = (): Promise<void> => {
    const path = paths[random.integer(paths.length)];
    const sentAt = clock.now();
    const t0 = performance.now();
    return new Promise<void>((resolve) => {
      const complete = (status: number, headers: IncomingHttpHeaders = {}): void => {
        const header = (name: string) => String(headers[name] ?? '');
        results.push({ status, version: header(VERSION_HEADER), backend: header(BACKEND_HEADER), routedBy: header(SPLIT_VERSION_HEADER), latencyMs: performance.now() - t0, sentAt });
        resolve();
      };
      const req = httpRequest(
        {
          host: base.hostname,
          port: base.port,
          path,
          method: options.method ?? 'GET',
          agent,
          timeout: options.timeoutMs ?? 5000,
          headers: { ...(options.headers ?? {}), ...(options.sourceServiceAccount ? { [SOURCE_HEADER]: options.sourceServiceAccount } : {}) },
        },
        (res) => {
          res.resume();
          res.on('end', () => complete(res.statusCode ?? 0, res.headers));
          res.on('error', () => complete(0));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', () => complete(0));
      req.end();
    });
  };

  const end = async (): Promise<LoadSummary> => {
    if (!stopped) {
      stopped = true;
      timer?.cancel();
    }
    await Promise.all(inFlight);
    agent.destroy();
    const summary = summarise(results, sent);
    finish(summary);
    return summary;
  };

  // Each send is scheduled against the start time, so slow answers never lower the rate.
  const tick = (): void => {
    if (stopped) return;
    const elapsed = clock.now() - startedAt;
    if ((options.maxRequests !== undefined && sent >= options.maxRequests) || (options.durationMs !== undefined && elapsed >= options.durationMs)) {
      void end();
      return;
    }
    sent++;
    const flight = sendOne().finally(() => inFlight.delete(flight));
    inFlight.add(flight);
    timer = clock.setTimer(startedAt + sent * intervalMs, tick);
  };
  tick();

  return {
    done,
    results: () => results,
    summary: () => summarise(results, sent),
    stop: end,
  };
}
