import { comparedMetrics } from './compare-settings.ts';
import type { CanaryAnalysis, CanaryMetric } from './canary.ts';
import { analysisInterval } from './canary-settings.ts';
import { positiveDurationRule } from './common-rules.ts';
import { Duration } from './duration.ts';
import type { MetricTemplate } from './metric-template.ts';
import { parsePercent } from './percent.ts';
import { childPath, type ValidationError } from './validation-error.ts';

/**
 * The rules of the judge's fields (`metrics[].compare`, `analysis.baseline`, `analysis.judge`) that a
 * schema cannot say, and the one rule that needs the MetricTemplate a compared metric names: a template
 * must define how it counts, since a rate cannot be judged against the primary.
 */

/** The highest tolerated increase: the judge's ratio grid reaches 55× the tolerated ratio. */
const MAX_INCREASE_LIMIT = 10;

/** Rules of one metric's `compare`. */
export function compareRules(metric: CanaryMetric, path: string): ValidationError[] {
  const compare = metric.compare;
  if (compare === undefined) return [];
  const errors: ValidationError[] = [];
  const comparePath = childPath(path, 'compare');
  const increase = compare.maxIncrease === undefined ? undefined : parsePercent(compare.maxIncrease);
  if (increase !== undefined && increase > MAX_INCREASE_LIMIT) {
    errors.push({ path: childPath(comparePath, 'maxIncrease'), message: `must be at most ${MAX_INCREASE_LIMIT * 100}% (a canary failing ${MAX_INCREASE_LIMIT + 1}× as often as the primary)` });
  }
  const confidence = compare.confidence === undefined ? undefined : parsePercent(compare.confidence);
  if (confidence !== undefined && !(confidence >= 0.5 && confidence < 1)) {
    errors.push({ path: childPath(comparePath, 'confidence'), message: 'must be at least 50% and below 100% (95% rolls back a canary within the tolerance in at most 5 % of runs)' });
  }
  return errors;
}

/** Rules of `analysis.baseline` and `analysis.judge`, which only make sense with compared metrics. */
export function judgeAnalysisRules(analysis: CanaryAnalysis, path: string, targetKind = 'Deployment'): ValidationError[] {
  const errors: ValidationError[] = [];
  const compared = comparedMetrics(analysis).length > 0;
  if (analysis.baseline === true) {
    if (targetKind !== 'Deployment') {
      errors.push({ path: childPath(path, 'baseline'), message: `is for Deployment targets: a ${targetKind} runs on every node and has no size a baseline could copy` });
    }
    if (analysis.iterations !== undefined) {
      errors.push({ path: childPath(path, 'baseline'), message: 'is only used with stepWeight or stepWeights: blue/green and A/B route all or nothing, so a baseline cannot get the same share as the canary' });
    }
    if (!compared) errors.push({ path: childPath(path, 'baseline'), message: 'needs at least one metric with compare: the baseline is only there to be compared with' });
  }
  const judge = analysis.judge;
  if (judge !== undefined) {
    const judgePath = childPath(path, 'judge');
    if (!compared) errors.push({ path: judgePath, message: 'needs at least one metric with compare' });
    errors.push(...positiveDurationRule(judge.interval, childPath(judgePath, 'interval')));
    const warmup = judge.warmup === undefined ? undefined : Duration.tryParse(judge.warmup);
    if (judge.warmup !== undefined && warmup === undefined) errors.push(...positiveDurationRule(judge.warmup, childPath(judgePath, 'warmup')));
    const interval = judge.interval === undefined ? undefined : Duration.tryParse(judge.interval);
    const stepInterval = analysisInterval(analysis);
    if (interval !== undefined && interval.milliseconds > stepInterval.milliseconds) {
      errors.push({ path: childPath(judgePath, 'interval'), message: `must be at most analysis.interval (${stepInterval.text}): the judge already looks at every step` });
    }
  }
  return errors;
}

/** A template that cannot give counts, with the reason a person can act on; undefined when it can. */
export function countsProblem(template: Pick<MetricTemplate, 'spec'>): string | undefined {
  if (template.spec.counts === undefined) {
    return 'returns a value, not counts, and a rate cannot be judged against the primary: add spec.counts.requests and spec.counts.failures (cumulative counters of {{ workload }}) to the template';
  }
  if (template.spec.provider.type !== 'prometheus') return `counts with the ${template.spec.provider.type} provider, which answers windowed values: compare needs Prometheus counters`;
  return undefined;
}

/**
 * `compare` on metrics whose MetricTemplate cannot give counts. `lookup` finds a template by namespace
 * and name (the files `kanari validate` was given); a template it cannot find is not judged here.
 */
export function compareTemplateRules(
  canary: { metadata: { namespace?: string }; spec: { analysis: CanaryAnalysis } },
  lookup: (namespace: string, name: string) => Pick<MetricTemplate, 'spec'> | undefined,
): ValidationError[] {
  const errors: ValidationError[] = [];
  (canary.spec.analysis.metrics ?? []).forEach((metric, i) => {
    if (metric.compare === undefined || metric.templateRef === undefined) return;
    const namespace = metric.templateRef.namespace ?? canary.metadata.namespace ?? 'default';
    const template = lookup(namespace, metric.templateRef.name);
    const problem = template === undefined ? undefined : countsProblem(template);
    if (problem !== undefined) {
      errors.push({ path: `spec.analysis.metrics[${i}].compare`, message: `cannot be used with MetricTemplate ${namespace}/${metric.templateRef.name}: it ${problem}` });
    }
  });
  return errors;
}
