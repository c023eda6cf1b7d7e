/**
 * Metric values and thresholds as every surface prints them (Events, alerts, `kanari status`, the
 * playground): at most two decimals, and the built-in metrics' units on the value and on the bound
 * alike, so `request-success-rate 34.78% < 99%` never compares a percentage with a bare number.
 */

/** The unit of a built-in metric's values: `%` for success rate, `ms` for duration; none for custom metrics. */
export function metricUnit(metric: string): string {
  if (metric === 'request-success-rate') return '%';
  if (metric === 'request-duration') return 'ms';
  return '';
}

/** A number with at most two decimals and no trailing zeros: 33.333… → 33.33, 99.5 → 99.5, 612 → 612. */
export function formatMetricNumber(value: number): string {
  return String(Number(value.toFixed(2)));
}

/** A value or bound of `metric` with its unit: `34.78%`, `612.46ms`, `0.5`. */
export function formatMetricValue(metric: string, value: number): string {
  return `${formatMetricNumber(value)}${metricUnit(metric)}`;
}

/** A threshold range as a condition on the value: `≥ 99%`, `≤ 500ms`, `1 ≤ v ≤ 5`; '' without bounds. */
export function formatThresholdRange(metric: string, range: { min?: number; max?: number } | undefined): string {
  const min = range?.min;
  const max = range?.max;
  if (min !== undefined && max !== undefined) return `${formatMetricValue(metric, min)} ≤ v ≤ ${formatMetricValue(metric, max)}`;
  if (min !== undefined) return `≥ ${formatMetricValue(metric, min)}`;
  if (max !== undefined) return `≤ ${formatMetricValue(metric, max)}`;
  return '';
}
