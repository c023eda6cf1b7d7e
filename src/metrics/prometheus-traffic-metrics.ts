import type { Mesh } from '../api/canary.ts';
import { edgeLabels, edgeQuery, resourceLabels, resourceQuery, type ResourceLabels } from './mesh-queries.ts';
import type { PrometheusProvider } from './prometheus.ts';
import { objectReference, TRAFFIC_METRIC_NAMES, type EdgeDirection, type ResourceSelector } from './traffic-metrics-api.ts';
import type { MeasuredResource, MetricsWindow, TrafficMetricsSource } from './traffic-metrics-handler.ts';

/**
 * TrafficMetrics computed from Prometheus with a mesh's queries, as smi-metrics computed them: one query
 * per value, all evaluated at the request's instant so the values agree, grouped per resource.
 */
export class PrometheusTrafficMetrics implements TrafficMetricsSource {
  readonly #prometheus: PrometheusProvider;
  readonly #mesh: Mesh;

  constructor(prometheus: PrometheusProvider, mesh: Mesh) {
    this.#prometheus = prometheus;
    this.#mesh = mesh;
  }

  /** Every resource with a series of the mesh's request metrics in the window. */
  async resources(selector: ResourceSelector, window: MetricsWindow): Promise<MeasuredResource[]> {
    const answers = await this.#queryAll((metric) => resourceQuery(this.#mesh, metric, selector, window.milliseconds / 1000), window);
    return measured(answers, selector, resourceLabels(this.#mesh, selector.kind));
  }

  /** The resources on the other side of the selected one's edges in one direction. */
  async edges(selector: ResourceSelector, direction: EdgeDirection, window: MetricsWindow): Promise<MeasuredResource[]> {
    const answers = await this.#queryAll((metric) => edgeQuery(this.#mesh, metric, selector, direction, window.milliseconds / 1000), window);
    const { source, destination } = edgeLabels(this.#mesh, selector.kind);
    return measured(answers, selector, direction === 'to' ? destination : source);
  }

  #queryAll(query: (metric: (typeof TRAFFIC_METRIC_NAMES)[number]) => string, window: MetricsWindow) {
    return Promise.all(TRAFFIC_METRIC_NAMES.map((metric) => this.#prometheus.queryVector(query(metric), { time: window.at })));
  }
}

/** One entry per resource the series name (by `labels`), with the value of each query that has a series for it. */
function measured(answers: Array<Array<{ labels: Record<string, string>; value: number }>>, selector: ResourceSelector, labels: ResourceLabels): MeasuredResource[] {
  const byResource = new Map<string, MeasuredResource>();
  answers.forEach((series, index) => {
    for (const { labels: seriesLabels, value } of series) {
      const name = seriesLabels[labels.name];
      if (!name) continue;
      const resource = objectReference(selector.kind, seriesLabels[labels.namespace], name);
      const key = `${resource.namespace ?? ''}/${name}`;
      const entry = byResource.get(key) ?? { resource, values: {} };
      entry.values[TRAFFIC_METRIC_NAMES[index]] = value;
      byResource.set(key, entry);
    }
  });
  return [...byResource.values()];
}
