import { Type, type Static } from '@sinclair/typebox';
import { StringEnum, Struct } from './schema-types.ts';

/**
 * What the judge keeps in the Canary's status. `status.judge` is its durable memory (the accumulated
 * evidence survives a controller restart) and its overall verdict; each compared metric's evidence,
 * worded for people, sits beside its threshold check in `status.lastAnalysis[].comparison`.
 */

export const COMPARISON_OUTCOMES = ['worse', 'no-worse', 'undecided', 'no-data'] as const;
export const JUDGE_DECISIONS = ['rollback', 'promote', 'continue'] as const;

/** One compared metric's evidence: the estimated ratio, its confidence bounds, the e-value against its bar. */
export const MetricComparisonSchema = Struct({
  /** The workload the canary is compared with. */
  against: StringEnum(['primary', 'baseline']),
  /** The ratio tolerated: 1 + maxIncrease. */
  tolerated: Type.Number(),
  /** The most likely ratio of the canary's failure (or slow-request) rate to the other side's. */
  estimate: Type.Optional(Type.Number()),
  /** One-sided bounds at the configured confidence; an absent end is unbounded. */
  lower: Type.Optional(Type.Number()),
  upper: Type.Optional(Type.Number()),
  /** Evidence that the canary is worse than tolerated (1 = none). */
  eValue: Type.Number(),
  /** The e-value at which this metric alone rolls the canary back. */
  bar: Type.Number(),
  outcome: StringEnum(COMPARISON_OUTCOMES),
  /** Latency: requests slower than this bucket boundary (the primary's p99 before the run) are counted. */
  boundaryMs: Type.Optional(Type.Number()),
  canaryRequests: Type.Number(),
  referenceRequests: Type.Number(),
  /** Failed (or slow) requests compared so far. */
  canaryFailures: Type.Number(),
  referenceFailures: Type.Number(),
  /** "canary fails 2.1× as often as primary (95 %: 1.4–3.2×), tolerated 1.2×: …" */
  message: Type.String(),
});

/** One metric's accumulated log-likelihood over the judge's ratio grid (src/engine/judge/judge-state.ts). */
export const MetricEvidenceStateSchema = Struct({
  name: Type.String(),
  kind: StringEnum(['failures', 'latency']),
  tolerated: Type.Number(),
  boundaryMs: Type.Optional(Type.Number()),
  logLikelihood: Type.Array(Type.Number()),
  intervals: Type.Number(),
  informativeIntervals: Type.Number(),
  canaryRequests: Type.Number(),
  primaryRequests: Type.Number(),
  canaryEvents: Type.Number(),
  primaryEvents: Type.Number(),
});

/** The judge's evidence as stored: constant size (161 numbers a metric), whatever the run's length. */
export const JudgeStateSchema = Struct({
  version: Type.Integer(),
  metrics: Type.Array(MetricEvidenceStateSchema),
});

/** The judge's memory across ticks and restarts, and its latest verdict. */
export const JudgeStatusSchema = Struct({
  against: StringEnum(['primary', 'baseline']),
  /** Start of the first interval the judge looked at in this run; the warm-up counts from here. */
  startTime: Type.String(),
  /** End of the last interval the judge looked at: the next interval starts here, so none is counted twice. */
  lastObservedTime: Type.String(),
  state: Type.Optional(JudgeStateSchema),
  /** The average of the metrics' e-values, against `bar` (1/α). */
  eValue: Type.Optional(Type.Number()),
  bar: Type.Optional(Type.Number()),
  confidence: Type.Optional(Type.Number()),
  decision: Type.Optional(StringEnum(JUDGE_DECISIONS)),
  /** The verdict in words. */
  message: Type.Optional(Type.String()),
});

export type MetricComparison = Static<typeof MetricComparisonSchema>;
export type JudgeStatus = Static<typeof JudgeStatusSchema>;
export type StoredJudgeState = Static<typeof JudgeStateSchema>;
