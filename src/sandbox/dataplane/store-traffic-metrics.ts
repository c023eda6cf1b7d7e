/**
 * The data plane's records as a source of SMI TrafficMetrics, served by the same handler as
 * `kanari metrics-server`, so Kanari's TrafficMetrics provider is tested against the shapes of smi-metrics
 * (Linkerd flavour) while the numbers are exactly what the data plane counted.
 */
import type { MeasuredResource, MetricsWindow, TrafficMetricsSource } from '../../metrics/traffic-metrics-handler.ts';
import { LATENCY_QUANTILES, objectReference, type ResourceSelector } from '../../metrics/traffic-metrics-api.ts';
import { histogramQuantile } from './latency-histogram.ts';
import { STORED_KINDS, type TrafficCounts, type TrafficStore, type WorkloadKey } from './traffic-store.ts';

/** TrafficMetrics over a TrafficStore: a workload the store never saw has no series; one idle in the window has zeros. */
export class StoreTrafficMetrics implements TrafficMetricsSource {
  readonly #store: TrafficStore;

  constructor(store: TrafficStore) {
    this.#store = store;
  }

  async resources(selector: ResourceSelector, window: MetricsWindow): Promise<MeasuredResource[]> {
    const kind = STORED_KINDS.find((stored) => stored === selector.kind);
    // Daemonsets and Statefulsets: the simulated kubelet runs Deployments only.
    if (!kind) return [];
    const keys: WorkloadKey[] = selector.name === undefined
      ? this.#store.workloads(kind, selector.namespace)
      : [{ kind, namespace: (kind === 'Namespace' ? selector.name : selector.namespace) ?? '', name: selector.name }];
    return keys.flatMap((key) => {
      const counts = this.#store.window(key, window.milliseconds, window.at.getTime());
      return counts ? [{ resource: objectReference(kind, key.namespace, key.name), values: trafficValues(counts) }] : [];
    });
  }

  /** None: the data plane knows callers only by ServiceAccount, not by workload. */
  async edges(): Promise<MeasuredResource[]> {
    return [];
  }
}

/** The five values of window counts; latencies as histogram_quantile would estimate them (NaN when idle). */
function trafficValues(counts: TrafficCounts): MeasuredResource['values'] {
  const latencies = Object.entries(LATENCY_QUANTILES).map(([name, quantile]) => [name, histogramQuantile(quantile, counts.buckets)]);
  return { ...Object.fromEntries(latencies), success_count: counts.success, failure_count: counts.failure };
}
