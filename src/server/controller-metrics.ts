import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Kanari's own Prometheus metrics, named after Flagger's (`flagger_canary_*` → `kanari_canary_*`) so
 * dashboards and alerts move over by renaming the prefix (docs/controller-metrics.md lists both).
 */
export interface ControllerMetrics {
  registry: Registry;
  /** Always 1; the labels say which Kanari runs and which router it defaults to (Flagger's `flagger_info`). */
  info: Gauge<'version' | 'mesh_provider'>;
  /** 0 progressing, 1 other (idle, promoted), 2 failed: Flagger's encoding. */
  status: Gauge<'name' | 'namespace'>;
  weight: Gauge<'workload' | 'namespace'>;
  total: Gauge<'namespace'>;
  /** Seconds one reconcile tick took, as Flagger's `canary_duration_seconds` (per analysis run of its scheduler). */
  duration: Histogram<'name' | 'namespace'>;
  /** Seconds from a run's start to its end (Kanari only: Flagger has no such series). */
  runDuration: Histogram<'name' | 'namespace' | 'outcome'>;
  metricAnalysis: Gauge<'name' | 'namespace' | 'metric'>;
  successes: Counter<'name' | 'namespace' | 'deployment_strategy' | 'analysis_status'>;
  failures: Counter<'name' | 'namespace' | 'deployment_strategy' | 'analysis_status'>;
}

/** Creates the metrics on a registry of their own (or a given one); nothing is registered globally. */
export function createControllerMetrics(registry: Registry = new Registry()): ControllerMetrics {
  const registers = [registry];
  return {
    registry,
    info: new Gauge({ name: 'kanari_info', help: 'Kanari version and default router', labelNames: ['version', 'mesh_provider'], registers }),
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
    runDuration: new Histogram({
      name: 'kanari_canary_run_duration_seconds',
      help: 'Seconds from the start of a canary run to its end, by outcome',
      labelNames: ['name', 'namespace', 'outcome'],
      buckets: [10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 21600],
      registers,
    }),
    metricAnalysis: new Gauge({ name: 'kanari_canary_metric_analysis', help: 'Last value of each metric check', labelNames: ['name', 'namespace', 'metric'], registers }),
    successes: new Counter({ name: 'kanari_canary_successes_total', help: 'Canary runs that ended promoted', labelNames: ['name', 'namespace', 'deployment_strategy', 'analysis_status'], registers }),
    failures: new Counter({ name: 'kanari_canary_failures_total', help: 'Canary runs that ended rolled back', labelNames: ['name', 'namespace', 'deployment_strategy', 'analysis_status'], registers }),
  };
}
