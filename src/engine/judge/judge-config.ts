/**
 * What the judge is asked to decide: per metric, the tolerated relative increase of the canary's
 * failure (or slow-request) rate over the primary's; overall, the confidence and whether a clearly
 * good canary may be promoted before the last step. Defaults follow the proposed API.
 */
import { JudgeInputError } from './judge-input-error.ts';

/** Which rate a metric compares: failed requests, or requests slower than a histogram bucket boundary. */
export type JudgedKind = 'failures' | 'latency';

/** One compared metric as the integrator builds it from `analysis.metrics[].compare`. */
export interface JudgeMetricConfig {
  /** The metric's name in the Canary (`request-success-rate`, `request-duration`, a template's name). */
  name: string;
  kind: JudgedKind;
  /** Tolerated relative increase: 0.2 means the canary may fail 1.2× as often as the primary. Default 0.2. */
  maxIncrease?: number;
  /** Share in the average of e-values; shares are normalised to sum to 1. Default: equal shares. */
  weight?: number;
  /** Latency only: the bucket boundary in ms, fixed before the run with `slowBoundary()`. */
  boundaryMs?: number;
}

/** The judge's settings for one Canary. */
export interface JudgeConfig {
  /** Confidence of every decision and bound: 0.95 gives α = 0.05 and an e-value bar of 20. Default 0.95. */
  confidence?: number;
  /** Promote before the last step once every metric is shown no worse than tolerated. Default false. */
  earlyPromotion?: boolean;
  metrics: JudgeMetricConfig[];
}

/** A metric's settings with defaults applied. */
export interface ResolvedMetricConfig {
  name: string;
  kind: JudgedKind;
  maxIncrease: number;
  /** Normalised: the weights of all metrics sum to 1. */
  weight: number;
  boundaryMs?: number;
}

/** The judge's settings with defaults applied and checked. */
export interface ResolvedJudgeConfig {
  confidence: number;
  earlyPromotion: boolean;
  metrics: ResolvedMetricConfig[];
}

export const DEFAULT_CONFIDENCE = 0.95;
export const DEFAULT_MAX_INCREASE = 0.2;

/** Applies defaults and checks every field; throws the first problem as a JudgeInputError. */
export function resolveJudgeConfig(config: JudgeConfig): ResolvedJudgeConfig {
  const problems = judgeConfigProblems(config);
  if (problems.length > 0) throw problems[0];
  const rawWeights = config.metrics.map((metric) => metric.weight ?? 1);
  const totalWeight = rawWeights.reduce((sum, weight) => sum + weight, 0);
  return {
    confidence: config.confidence ?? DEFAULT_CONFIDENCE,
    earlyPromotion: config.earlyPromotion ?? false,
    metrics: config.metrics.map((metric, i) => ({
      name: metric.name,
      kind: metric.kind,
      maxIncrease: metric.maxIncrease ?? DEFAULT_MAX_INCREASE,
      weight: rawWeights[i] / totalWeight,
      ...(metric.boundaryMs === undefined ? {} : { boundaryMs: metric.boundaryMs }),
    })),
  };
}

/** Every problem of a judge configuration, each naming the field, the value and the rule. */
export function judgeConfigProblems(config: JudgeConfig): JudgeInputError[] {
  const problems: JudgeInputError[] = [];
  const { confidence } = config;
  if (confidence !== undefined && !(Number.isFinite(confidence) && confidence > 0 && confidence < 1)) {
    problems.push(new JudgeInputError('confidence', confidence, 'must be above 0 and below 1 (0.95 for 95 %)'));
  }
  if (!Array.isArray(config.metrics) || config.metrics.length === 0) {
    problems.push(new JudgeInputError('metrics', config.metrics, 'must list at least one metric to compare'));
    return problems;
  }
  const seen = new Set<string>();
  config.metrics.forEach((metric, i) => {
    const field = `metrics[${i}]`;
    if (typeof metric.name !== 'string' || metric.name === '') problems.push(new JudgeInputError(`${field}.name`, metric.name, 'must be a non-empty name'));
    else if (seen.has(metric.name)) problems.push(new JudgeInputError(`${field}.name`, metric.name, 'is compared twice; names must be unique'));
    seen.add(metric.name);
    if (metric.kind !== 'failures' && metric.kind !== 'latency') problems.push(new JudgeInputError(`${field}.kind`, metric.kind, "must be 'failures' or 'latency'"));
    const { maxIncrease, weight, boundaryMs } = metric;
    if (maxIncrease !== undefined && !(Number.isFinite(maxIncrease) && maxIncrease >= 0 && maxIncrease <= 100)) {
      problems.push(new JudgeInputError(`${field}.maxIncrease`, maxIncrease, 'must be between 0 and 100 (0.2 for 20 %)'));
    }
    if (weight !== undefined && !(Number.isFinite(weight) && weight > 0)) problems.push(new JudgeInputError(`${field}.weight`, weight, 'must be a number above 0'));
    if (metric.kind === 'latency' && !(typeof boundaryMs === 'number' && Number.isFinite(boundaryMs) && boundaryMs > 0)) {
      problems.push(new JudgeInputError(`${field}.boundaryMs`, boundaryMs, 'must be a bucket boundary above 0 ms for a latency metric (see slowBoundary)'));
    }
    if (metric.kind === 'failures' && boundaryMs !== undefined) problems.push(new JudgeInputError(`${field}.boundaryMs`, boundaryMs, 'is only for latency metrics'));
  });
  return problems;
}

/** α = 1 − confidence, rounded to 12 digits so that 95 % gives a bar of exactly 20, not 19.999999999999982. */
export function alphaOf(config: ResolvedJudgeConfig): number {
  return Number((1 - config.confidence).toPrecision(12));
}
