import type { MetricProviderType } from '../api/metric-template.ts';

/**
 * What every metric source gives the engine: a number, or an explicit "no data" that the engine must
 * count as a failed check. Real failures (unreachable, unauthorised, a bad query) are thrown as
 * MetricsError instead, so they can never be mistaken for either.
 */

/** A measured value, in the unit the metric defines (percent, milliseconds, or whatever a query returns). */
export interface MetricValue {
  kind: 'value';
  value: number;
}

/** Nothing to judge: an empty result, NaN, zero requests, a missing item…; `reason` says which. */
export interface MetricNoData {
  kind: 'no-data';
  reason: string;
}

export type MetricResult = MetricValue | MetricNoData;

/** A result carrying `value`. */
export function metricValue(value: number): MetricValue {
  return { kind: 'value', value };
}

/** A no-data result explaining why there is nothing to judge. */
export function noData(reason: string): MetricNoData {
  return { kind: 'no-data', reason };
}

/** Per-query options; `signal` lets the engine abandon a query when its tick is cancelled. */
export interface QueryOptions {
  signal?: AbortSignal;
  /** Evaluate at this past instant instead of now (Prometheus; `kanari backtest` replays history with it). */
  time?: Date;
}

/** A source that evaluates a query text (PromQL for Prometheus, a TrafficMetrics selector for SMI). */
export interface MetricsProvider {
  /** Which MetricTemplate provider type this is; shown in Events next to the address. */
  readonly type: MetricProviderType;
  /** The provider's address without credentials, safe for logs, status and Events. */
  readonly address: string;
  /** Evaluates one query to one number or no data; throws MetricsError on a real failure. */
  query(query: string, options?: QueryOptions): Promise<MetricResult>;
}

/** The workload whose traffic a built-in metric measures, e.g. the canary Deployment. */
export interface Workload {
  namespace: string;
  name: string;
  /** The SMI resource kind; Deployment unless stated. */
  kind?: WorkloadKind;
}

/** Kinds as smi-metrics spelled them in TrafficMetrics objects. */
export type WorkloadKind = 'Deployment' | 'Pod' | 'Daemonset' | 'Statefulset' | 'Namespace';

/** The built-in checks every source can compute for a workload over a window. */
export interface BuiltinMetricsSource {
  /** Percentage of non-failed requests (0–100) over `windowMilliseconds`. */
  requestSuccessRate(workload: Workload, windowMilliseconds: number, options?: QueryOptions): Promise<MetricResult>;
  /** 99th percentile request latency in milliseconds over `windowMilliseconds`. */
  requestDuration(workload: Workload, windowMilliseconds: number, options?: QueryOptions): Promise<MetricResult>;
}
