import type { CanaryMetric } from '../api/canary.ts';
import { thresholdsOf } from '../engine/judge.ts';
import type { MetricObservation } from '../engine/observation.ts';

/**
 * One observation from a metric measured by several sources. Flagger checks a metric's inline `query`
 * and its `templateRef` one after the other and halts on the first that fails, so the pair passes only
 * when both do: an error or missing data from either stands for the metric, else the value that breaks
 * the metric's thresholds, else the first value.
 */
export function combineObservations(metric: CanaryMetric, observations: MetricObservation[]): MetricObservation {
  if (observations.length === 1) return observations[0];
  const failed = observations.find((o) => o.result === 'error') ?? observations.find((o) => o.result === 'no-data');
  if (failed) return failed;
  const { min, max } = thresholdsOf(metric);
  const outside = observations.find((o) => o.value !== undefined && ((min !== undefined && o.value < min) || (max !== undefined && o.value > max)));
  return outside ?? observations[0];
}
