import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Kanari's own Prometheus metrics, named after Flagger's (`flagger_canary_*` → `kanari_canary_*`) so
 * dashboards and alerts move over by renaming the prefix.
 */
export interface ControllerMetrics {
  registry: Registry;
  /** 0 progressing, 1 other (idle, promoted), 2 failed: Flagger's encoding. */
  status: Gauge<'name' | 'namespace'>;
  weight: Gauge<'workload' | 'namespace'>;
  total: Gauge<'namespace'>;
  duration: Histogram<'name' | 'namespace'>;
  metricAnalysis: Gauge<'name' | 'namespace' | 'metric'>;
  successes: Counter<'name' | 'namespace' | 'deployment_strategy' | 'analysis_status'>;
  failures: Counter<'name' | 'namespace' | 'deployment_strategy' | 'analysis_status'>;
}

/** Creates the metrics on a registry of their own (or a given one); nothing is registered globally. */
export function createControllerMetrics(registry: Registry = new Registry()): ControllerMetrics {
  const registers = [registry];
  return {
    registry,
    status: new Gauge({ name: 'kanari_canary_status', help: 'Canary status: 0 progressing, 1 other, 2 failed', labelNames: ['name', 'namespace'], registers }),
    weight: new Gauge({ name: 'kanari_canary_weight', help: 'Traffic weight of a workload (percent)', labelNames: ['workload', 'namespace'], registers }),
    total: new Gauge({ name: 'kanari_canary_total', help: 'Number of Canaries', labelNames: ['namespace'], registers }),
    duration: new Histogram({
      name: 'kanari_canary_duration_seconds',
      help: 'Seconds taken by one canary analysis tick',
      labelNames: ['name', 'namespace'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    metricAnalysis: new Gauge({ name: 'kanari_canary_metric_analysis', help: 'Last value of each metric check', labelNames: ['name', 'namespace', 'metric'], registers }),
    successes: new Counter({ name: 'kanari_canary_successes_total', help: 'Canary runs that ended promoted', labelNames: ['name', 'namespace', 'deployment_strategy', 'analysis_status'], registers }),
    failures: new Counter({ name: 'kanari_canary_failures_total', help: 'Canary runs that ended rolled back', labelNames: ['name', 'namespace', 'deployment_strategy', 'analysis_status'], registers }),
  };
}
