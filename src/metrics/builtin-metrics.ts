import type { KubeConfig } from '@kubernetes/client-node';
import { MetricsError } from './metrics-error.ts';
import { BUILTIN_METRICS, MESHES, type Mesh } from '../api/canary.ts';
import { PrometheusMeshMetrics } from './mesh-metrics.ts';
import { PrometheusProvider, type PrometheusOptions } from './prometheus.ts';
import type { BuiltinMetricsSource, MetricResult, QueryOptions, Workload } from './provider.ts';
import { SmiTrafficMetricsReader } from './smi-traffic-metrics.ts';

/** Flagger's built-in metric names: success rate in percent, and p99 request duration in milliseconds. */
export type BuiltinMetricName = (typeof BUILTIN_METRICS)[number];

/** True when `name` is a built-in metric rather than one backed by a MetricTemplate. */
export function isBuiltinMetric(name: string): name is BuiltinMetricName {
  return (BUILTIN_METRICS as readonly string[]).includes(name);
}

/**
 * Where built-in metrics come from: the TrafficMetrics API (the default), or Prometheus with a mesh's
 * queries (`spec.metricsServer` / the controller's flag) for clusters that serve no TrafficMetrics.
 */
export type BuiltinMetricsConfig =
  | { source: 'smi'; kubeConfig: KubeConfig; timeoutMilliseconds?: number }
  | { source: 'prometheus'; mesh: Mesh; prometheus: PrometheusOptions };

/** Builds the source of built-in metrics described by `config`. */
export function createBuiltinMetrics(config: BuiltinMetricsConfig): BuiltinMetricsSource {
  if (config.source === 'smi') return new SmiTrafficMetricsReader({ kubeConfig: config.kubeConfig, timeoutMilliseconds: config.timeoutMilliseconds });
  if (!MESHES.includes(config.mesh)) {
    throw new MetricsError('InvalidProvider', `unknown mesh "${String(config.mesh)}": use one of ${MESHES.join(', ')}`);
  }
  return new PrometheusMeshMetrics(new PrometheusProvider(config.prometheus), config.mesh);
}

/** Measures one built-in metric of `workload` over the metric's interval. */
export function measureBuiltinMetric(
  source: BuiltinMetricsSource,
  name: BuiltinMetricName,
  workload: Workload,
  windowMilliseconds: number,
  options?: QueryOptions,
): Promise<MetricResult> {
  return name === 'request-success-rate'
    ? source.requestSuccessRate(workload, windowMilliseconds, options)
    : source.requestDuration(workload, windowMilliseconds, options);
}
