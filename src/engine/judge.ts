import type { CanaryMetric } from '../api/canary.ts';
import type { JudgeInterval } from '../api/run-history.ts';
import { formatMetricValue } from '../text/metric-value.ts';
import type { MetricObservation } from './observation.ts';

/**
 * Judges measured metrics against their thresholds. Absolute thresholds today; a statistical judge
 * comparing the canary with the primary can sit beside this one with the same verdict shape.
 */

export type Verdict = 'pass' | 'fail' | 'no-data' | 'error';

/** One metric's verdict with the sentence that explains it ("request-success-rate 99.8% ≥ 99%"). */
export interface MetricVerdict {
  name: string;
  verdict: Verdict;
  value?: number;
  min?: number;
  max?: number;
  reason?: string;
  errorReason?: string;
  /** A judge comparing canary and primary: estimate, confidence interval and bar (kept in the run's timeline). */
  interval?: JudgeInterval;
  /** Person-readable explanation, used in Events and alerts. */
  explanation: string;
}

/** The thresholds of a metric, reading Flagger's deprecated `threshold` as min for success rate, max otherwise. */
export function thresholdsOf(metric: CanaryMetric): { min?: number; max?: number } {
  const range = metric.thresholdRange ?? {};
  if (range.min !== undefined || range.max !== undefined) return { min: range.min, max: range.max };
  if (metric.threshold === undefined) return {};
  return metric.name === 'request-success-rate' ? { min: metric.threshold } : { max: metric.threshold };
}

/** True when the metric is checked against a bound (a metric may instead only be compared with the primary). */
export function hasThresholds(metric: CanaryMetric): boolean {
  const { min, max } = thresholdsOf(metric);
  return min !== undefined || max !== undefined;
}

/** Judges one metric; a missing observation is an error, no-data is never a pass. */
export function judgeMetric(metric: CanaryMetric, observed: MetricObservation | undefined): MetricVerdict {
  const { min, max } = thresholdsOf(metric);
  const base = { name: metric.name, min, max };
  if (observed === undefined) {
    return { ...base, verdict: 'error', reason: 'not measured', explanation: `${metric.name} was not measured` };
  }
  if (observed.result === 'error') {
    const reason = observed.reason ?? 'metrics provider failed';
    return { ...base, verdict: 'error', reason, errorReason: observed.errorReason, explanation: `${metric.name} failed: ${reason}` };
  }
  if (observed.result === 'no-data' || observed.value === undefined || Number.isNaN(observed.value)) {
    const reason = observed.reason ?? 'no data';
    return { ...base, verdict: 'no-data', reason, explanation: `${metric.name} has no data: ${reason}` };
  }
  const value = observed.value;
  // Value and bound in the same unit: "34.78% < 99%", never "34.78% < 99".
  const shown = (n: number) => formatMetricValue(metric.name, n);
  if (min !== undefined && value < min) {
    return { ...base, value, verdict: 'fail', explanation: `${metric.name} ${shown(value)} < ${shown(min)}` };
  }
  if (max !== undefined && value > max) {
    return { ...base, value, verdict: 'fail', explanation: `${metric.name} ${shown(value)} > ${shown(max)}` };
  }
  const bounds: string[] = [];
  if (min !== undefined) bounds.push(`≥ ${shown(min)}`);
  if (max !== undefined) bounds.push(`≤ ${shown(max)}`);
  return { ...base, value, verdict: 'pass', explanation: `${metric.name} ${shown(value)}${bounds.length ? ` ${bounds.join(', ')}` : ''}` };
}

/** Judges every configured metric, in spec order. */
export function judgeMetrics(metrics: CanaryMetric[], observed: MetricObservation[]): MetricVerdict[] {
  return metrics.map((metric) => judgeMetric(metric, observed.find((o) => o.name === metric.name)));
}
