import type { Canary, CanaryMetric } from '../api/canary.ts';
import { comparedMetrics } from '../api/compare-settings.ts';
import { countsProblem } from '../api/compare-rules.ts';
import type { MetricTemplate } from '../api/metric-template.ts';
import { hasThresholds } from '../engine/judge.ts';

/**
 * The two policies a backtest compares on the same history, as Canaries the engine can run:
 * the threshold policy (Flagger's: every metric against its thresholdRange, `threshold` failed checks
 * roll back) and the judge (the Canary as written when it compares; otherwise its comparable metrics
 * compared with the primary at the default tolerance, instead of their bounds).
 */

export interface Policy {
  name: 'thresholds' | 'judge';
  /** What the policy checks, in a line. */
  description: string;
  canary: Canary;
}

/** The threshold policy and the judge for `canary`; a policy that would check nothing is left out. */
export function policiesOf(canary: Canary, templateOf: (metric: CanaryMetric) => MetricTemplate | undefined): Policy[] {
  const analysis = canary.spec.analysis;
  const policies: Policy[] = [];
  const bounded = (analysis.metrics ?? []).filter(hasThresholds).map(({ compare: _compare, ...metric }) => metric);
  if (bounded.length > 0) {
    const thresholds = { ...analysis, metrics: bounded, baseline: undefined, judge: undefined };
    policies.push({ name: 'thresholds', description: describeThresholds(bounded, analysis.threshold ?? 1), canary: withAnalysis(canary, thresholds) });
  }
  if (comparedMetrics(analysis).length > 0) {
    policies.push({ name: 'judge', description: describeJudge(canary), canary });
  } else {
    const comparable = (analysis.metrics ?? []).filter((metric) => metric.templateRef === undefined || (templateOf(metric) !== undefined && countsProblem(templateOf(metric)!) === undefined));
    if (comparable.length > 0) {
      const judged = withAnalysis(canary, { ...analysis, metrics: comparable.map(({ thresholdRange: _range, threshold: _threshold, ...metric }) => ({ ...metric, compare: {} })) });
      policies.push({ name: 'judge', description: describeJudge(judged), canary: judged });
    }
  }
  return policies;
}

function withAnalysis(canary: Canary, analysis: Canary['spec']['analysis']): Canary {
  return { ...canary, spec: { ...canary.spec, analysis } };
}

function describeThresholds(metrics: CanaryMetric[], threshold: number): string {
  const bounds = metrics.map((metric) => {
    const range = metric.thresholdRange ?? {};
    const parts = [range.min === undefined ? '' : `≥ ${range.min}`, range.max === undefined ? '' : `≤ ${range.max}`].filter(Boolean);
    return `${metric.name} ${parts.join(', ') || `threshold ${metric.threshold}`}`;
  });
  return `${bounds.join('; ')}; rolled back after ${threshold} failed check${threshold === 1 ? '' : 's'}`;
}

function describeJudge(canary: Canary): string {
  const analysis = canary.spec.analysis;
  const against = analysis.baseline === true ? 'the baseline' : 'the primary';
  const compared = comparedMetrics(analysis).map((metric) => `${metric.name} (maxIncrease ${metric.compare.maxIncrease ?? '20%'}, confidence ${metric.compare.confidence ?? '95%'})`);
  const rails = (analysis.metrics ?? []).filter(hasThresholds).map((metric) => metric.name);
  return `${compared.join(', ')} compared with ${against}${rails.length > 0 ? `; guard rails: ${rails.join(', ')}` : ''}`;
}
