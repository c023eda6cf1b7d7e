import type { Mesh } from '../api/canary.ts';
import { counterQuery, histogramQuery } from './mesh-queries.ts';
import type { PrometheusProvider } from './prometheus.ts';
import type { SmiTrafficMetricsReader } from './smi-traffic-metrics.ts';
import type { MetricResult, Workload } from './provider.ts';

/**
 * Both sides of a comparison counted over one interval, as the judge needs them: requests and failed
 * requests of the canary and of the workload it is compared with (the primary or the baseline), or for
 * latency their cumulative histograms at the interval's ends. From Prometheus these are raw differences
 * of cumulative counters read at two instants (never increase(), which extrapolates); from the
 * TrafficMetrics API, which only answers "the last t", the window is the interval's length.
 */

/** The two workloads compared. */
export interface ComparedSides {
  canary: Workload;
  reference: Workload;
}

/** Requests and failed requests of both sides over one interval. */
export interface SideCounts {
  canaryRequests: number;
  primaryRequests: number;
  canaryEvents: number;
  primaryEvents: number;
}

/** One cumulative latency bucket (ms; Infinity for +Inf) and a histogram at one instant. */
export interface Bucket {
  le: number;
  count: number;
}
export interface Histogram {
  buckets: Bucket[];
  count: number;
}

/** What counting one interval gave: counts, histograms (latency), or why there is nothing to compare. */
export type CountsResult =
  | { kind: 'counts'; counts: SideCounts }
  | { kind: 'histograms'; canary: { before: Histogram; after: Histogram }; reference: { before: Histogram; after: Histogram }; boundaryWindow?: Histogram }
  | { kind: 'no-data'; reason: string };

/** Reads one cumulative counter (requests or failures) of a workload at an instant; no series is zero. */
export type CounterReader = (side: 'canary' | 'reference', counter: 'requests' | 'failures', at: Date) => Promise<MetricResult>;

/** Requests and failures of both sides from cumulative counters read at `from` and `to`. */
export async function countersBetween(read: CounterReader, from: Date, to: Date): Promise<CountsResult> {
  const sides = ['canary', 'reference'] as const;
  const values = await Promise.all(
    sides.flatMap((side) => (['requests', 'failures'] as const).flatMap((counter) => [from, to].map((at) => read(side, counter, at).then(countOf)))),
  );
  // values: canary requests (from, to), canary failures (from, to), then the same for the reference.
  const delta = (offset: number) => values[offset + 1] - values[offset];
  const measured = { canary: { requests: delta(0), failures: delta(2) }, reference: { requests: delta(4), failures: delta(6) } };
  for (const side of sides) {
    const { requests, failures } = measured[side];
    if (requests < 0 || failures < 0) return { kind: 'no-data', reason: `the ${side === 'canary' ? 'canary' : "other side"}'s request counters went backwards (a pod restarted); this interval is skipped` };
    if (failures > requests) return { kind: 'no-data', reason: `the ${side === 'canary' ? 'canary' : 'other side'} counted more failures (${failures}) than requests (${requests}) in the interval` };
  }
  return {
    kind: 'counts',
    counts: { canaryRequests: measured.canary.requests, primaryRequests: measured.reference.requests, canaryEvents: measured.canary.failures, primaryEvents: measured.reference.failures },
  };
}

/** A CounterReader over a mesh's request counter in Prometheus. */
export function meshCounterReader(prometheus: PrometheusProvider, mesh: Mesh, sides: ComparedSides): CounterReader {
  return (side, counter, at) => {
    const workload = sides[side];
    const query = counterQuery(mesh, counter === 'requests' ? 'total' : 'failure', { kind: workload.kind ?? 'Deployment', namespace: workload.namespace, name: workload.name });
    return prometheus.query(query, { time: at });
  };
}

/** Both sides' cumulative latency histograms at `from` and `to`, and the reference's over `boundaryWindow` when asked. */
export async function meshHistograms(
  prometheus: PrometheusProvider,
  mesh: Mesh,
  sides: ComparedSides,
  from: Date,
  to: Date,
  boundaryWindow?: { from: Date; to: Date },
): Promise<CountsResult> {
  const selector = (workload: Workload) => ({ kind: workload.kind ?? 'Deployment', namespace: workload.namespace, name: workload.name });
  const at = (workload: Workload, time: Date) => histogramAt(prometheus, histogramQuery(mesh, selector(workload)), time);
  const [canaryBefore, canaryAfter, referenceBefore, referenceAfter] = await Promise.all([at(sides.canary, from), at(sides.canary, to), at(sides.reference, from), at(sides.reference, to)]);
  let window: Histogram | undefined;
  if (boundaryWindow !== undefined) {
    const seconds = (boundaryWindow.to.getTime() - boundaryWindow.from.getTime()) / 1000;
    window = await histogramAt(prometheus, histogramQuery(mesh, selector(sides.reference), seconds), boundaryWindow.to);
  }
  if (canaryAfter.buckets.length === 0) return { kind: 'no-data', reason: `no latency histogram for ${sides.canary.namespace}/${sides.canary.name} in Prometheus ${prometheus.address}` };
  return {
    kind: 'histograms',
    canary: { before: alignBuckets(canaryBefore, canaryAfter), after: canaryAfter },
    reference: { before: alignBuckets(referenceBefore, referenceAfter), after: referenceAfter },
    ...(window === undefined ? {} : { boundaryWindow: window }),
  };
}

/** Success and failure counts of both sides from the TrafficMetrics API over the interval's length. */
export async function trafficMetricsCounts(reader: SmiTrafficMetricsReader, sides: ComparedSides, windowMilliseconds: number): Promise<CountsResult> {
  const window = Math.max(1000, Math.round(windowMilliseconds / 1000) * 1000);
  const [canary, reference] = await Promise.all([reader.read(sides.canary, window), reader.read(sides.reference, window)]);
  if (canary.kind === 'no-data') return { kind: 'no-data', reason: canary.reason };
  // The other side having no TrafficMetrics (not called yet) is an interval without comparison, not an error.
  const referenceValues = reference.kind === 'metrics' ? reference.values : { success_count: 0, failure_count: 0 };
  const counts = (values: { success_count: number; failure_count: number }) => ({ requests: Math.round(values.success_count + values.failure_count), failures: Math.round(values.failure_count) });
  const c = counts(canary.values);
  const r = counts(referenceValues);
  return { kind: 'counts', counts: { canaryRequests: c.requests, primaryRequests: r.requests, canaryEvents: c.failures, primaryEvents: r.failures } };
}

function countOf(result: MetricResult): number {
  return result.kind === 'value' ? result.value : 0;
}

async function histogramAt(prometheus: PrometheusProvider, query: string, at: Date): Promise<Histogram> {
  const series = await prometheus.queryVector(query, { time: at });
  const buckets = series
    .map((s) => ({ le: s.labels.le === '+Inf' ? Infinity : Number(s.labels.le), count: s.value }))
    .filter((b) => !Number.isNaN(b.le) && Number.isFinite(b.count))
    .sort((a, b) => a.le - b.le);
  const infinite = buckets.find((b) => b.le === Infinity);
  return { buckets, count: infinite?.count ?? buckets.at(-1)?.count ?? 0 };
}

// A workload without series at the interval's start (its pods are new) had zero in every bucket.
function alignBuckets(before: Histogram, after: Histogram): Histogram {
  if (before.buckets.length > 0) return before;
  return { buckets: after.buckets.map((b) => ({ le: b.le, count: 0 })), count: 0 };
}
