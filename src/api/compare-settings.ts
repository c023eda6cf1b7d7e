import { CompareSchema, type CanaryAnalysis, type CanaryCompare, type CanaryMetric } from './canary.ts';
import { Duration } from './duration.ts';
import { parsePercent } from './percent.ts';

/**
 * The judge's settings read from a Canary, with the schema's own defaults: which metrics are compared,
 * how much worse the canary may be, at what confidence, against which workload, and when the judge looks.
 */

/** Which rate a compared metric is about: failed requests, or requests slower than the primary's p99. */
export type ComparisonKind = 'failures' | 'latency';

/** The workload the canary is compared with. */
export type ComparisonReference = 'primary' | 'baseline';

/** One metric's comparison settings as fractions: maxIncrease 0.2 tolerates 1.2× as often. */
export interface CompareSettings {
  maxIncrease: number;
  confidence: number;
}

const maxIncreaseDefault = CompareSchema.properties.maxIncrease.default as string;
const confidenceDefault = CompareSchema.properties.confidence.default as string;

/** The metrics of the analysis that are compared with the primary (or the baseline). */
export function comparedMetrics(analysis: Pick<CanaryAnalysis, 'metrics'>): (CanaryMetric & { compare: CanaryCompare })[] {
  return (analysis.metrics ?? []).filter((metric): metric is CanaryMetric & { compare: CanaryCompare } => metric.compare !== undefined);
}

/** A metric's compare settings; a value that does not parse (refused by validation) reads as the default. */
export function compareSettings(compare: CanaryCompare): CompareSettings {
  return {
    maxIncrease: parsePercent(compare.maxIncrease ?? maxIncreaseDefault) ?? (parsePercent(maxIncreaseDefault) as number),
    confidence: parsePercent(compare.confidence ?? confidenceDefault) ?? (parsePercent(confidenceDefault) as number),
  };
}

/** `request-duration` is compared through slow requests; every other metric through failed ones. */
export function comparisonKind(metric: Pick<CanaryMetric, 'name' | 'templateRef'>): ComparisonKind {
  return metric.name === 'request-duration' && metric.templateRef === undefined ? 'latency' : 'failures';
}

/** The baseline when `analysis.baseline` is on, the primary otherwise. */
export function comparisonReference(analysis: Pick<CanaryAnalysis, 'baseline'>): ComparisonReference {
  return analysis.baseline === true ? 'baseline' : 'primary';
}

/** When the judge looks, in milliseconds: its own interval (the analysis interval unless set) and the warm-up. */
export interface JudgeTiming {
  earlyPromotion: boolean;
  warmupMilliseconds: number;
  /** Between analysis steps; undefined when the judge only looks at each step. */
  intervalMilliseconds?: number;
}

/** The judge's timing from `analysis.judge`; durations that do not parse (refused by validation) are unset. */
export function judgeTiming(analysis: Pick<CanaryAnalysis, 'judge'>): JudgeTiming {
  const judge = analysis.judge ?? {};
  const warmup = judge.warmup === undefined ? undefined : Duration.tryParse(judge.warmup);
  const interval = judge.interval === undefined ? undefined : Duration.tryParse(judge.interval);
  return {
    earlyPromotion: judge.earlyPromotion === true,
    warmupMilliseconds: warmup?.milliseconds ?? 0,
    ...(interval !== undefined && interval.milliseconds > 0 ? { intervalMilliseconds: interval.milliseconds } : {}),
  };
}
