import type { Mesh } from '../api/canary.ts';
import { resourceQuery } from './mesh-queries.ts';
import type { PrometheusProvider } from './prometheus.ts';
import { metricValue, noData, type BuiltinMetricsSource, type MetricResult, type QueryOptions, type Workload } from './provider.ts';

/**
 * The built-in checks computed straight from Prometheus with a mesh's queries, for clusters where no
 * TrafficMetrics API is served. The numbers match what `kanari metrics-server` would serve.
 */
export class PrometheusMeshMetrics implements BuiltinMetricsSource {
  readonly mesh: Mesh;
  /** Where the mesh's series are read; the judge reads its counters too. */
  readonly prometheus: PrometheusProvider;

  constructor(prometheus: PrometheusProvider, mesh: Mesh) {
    this.prometheus = prometheus;
    this.mesh = mesh;
  }

  /** success / (success + failure) × 100 from the mesh's request counter; zero requests is no data. */
  async requestSuccessRate(workload: Workload, windowMilliseconds: number, options: QueryOptions = {}): Promise<MetricResult> {
    const counts = await this.requestCounts(workload, windowMilliseconds, options);
    if (counts.kind === 'no-data') return counts;
    return metricValue((counts.success / (counts.success + counts.failure)) * 100);
  }

  /** p99 latency in milliseconds from the mesh's latency histogram; no requests is no data. */
  async requestDuration(workload: Workload, windowMilliseconds: number, options: QueryOptions = {}): Promise<MetricResult> {
    const counts = await this.requestCounts(workload, windowMilliseconds, options);
    if (counts.kind === 'no-data') return counts;
    const selector = { kind: workload.kind ?? 'Deployment', namespace: workload.namespace, name: workload.name } as const;
    const p99 = await this.prometheus.query(resourceQuery(this.mesh, 'p99_response_latency', selector, windowMilliseconds / 1000), options);
    if (p99.kind === 'no-data') return noData(`no latency for ${describe(workload)}: ${p99.reason}`);
    if (p99.value < 0) return noData(`negative p99 latency for ${describe(workload)}`);
    return p99;
  }

  private async requestCounts(
    workload: Workload,
    windowMilliseconds: number,
    options: QueryOptions,
  ): Promise<{ kind: 'counts'; success: number; failure: number } | MetricResult & { kind: 'no-data' }> {
    const selector = { kind: workload.kind ?? 'Deployment', namespace: workload.namespace, name: workload.name } as const;
    const seconds = windowMilliseconds / 1000;
    // One evaluation instant for both counts, so they cover exactly the same samples.
    const pinned = { ...options, time: options.time ?? new Date() };
    const [success, failure] = await Promise.all([
      this.prometheus.query(resourceQuery(this.mesh, 'success_count', selector, seconds), pinned),
      this.prometheus.query(resourceQuery(this.mesh, 'failure_count', selector, seconds), pinned),
    ]);
    // A workload that never failed has no failure series at all: that is zero failures, not no data.
    const successCount = success.kind === 'value' ? success.value : 0;
    const failureCount = failure.kind === 'value' ? failure.value : 0;
    if (successCount + failureCount <= 0) {
      return noData(`zero requests to ${describe(workload)} in the last ${seconds}s (${this.mesh} metrics in Prometheus ${this.prometheus.address})`);
    }
    return { kind: 'counts', success: successCount, failure: failureCount };
  }
}

function describe(workload: Workload): string {
  return `${(workload.kind ?? 'Deployment').toLowerCase()} ${workload.namespace}/${workload.name}`;
}
