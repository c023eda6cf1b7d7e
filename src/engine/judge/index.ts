/**
 * The sequential canary-vs-primary judge: an anytime-valid test that the canary's failure (or
 * slow-request) rate is no more than `maxIncrease` above the primary's. Pure: no I/O, no clock.
 * See docs/judge.md for what the numbers mean.
 */
export type { IntervalCounts, IntervalObservation } from './interval-counts.ts';
export { countsProblems, isInformative } from './interval-counts.ts';
export type { JudgeConfig, JudgeMetricConfig, JudgedKind, ResolvedJudgeConfig, ResolvedMetricConfig } from './judge-config.ts';
export { DEFAULT_CONFIDENCE, DEFAULT_MAX_INCREASE, judgeConfigProblems, resolveJudgeConfig } from './judge-config.ts';
export { JudgeInputError } from './judge-input-error.ts';
export type { JudgeState, MetricEvidenceState } from './judge-state.ts';
export { JUDGE_STATE_VERSION, alignedState, initialState, stateMismatches, update } from './judge-state.ts';
export { parseJudgeState } from './parse-judge-state.ts';
export type { JudgeDecision, JudgeVerdict, MetricEvidence, MetricOutcome } from './verdict.ts';
export { verdict } from './verdict.ts';
export type { HistogramBucket, HistogramInterval, HistogramSnapshot, SlowBoundary } from './latency-exceedance.ts';
export { slowBoundary, slowRequestCounts } from './latency-exceedance.ts';
export { describeComparison, describeMetric, describeVerdict, eventReasonOf, formatConfidence, formatEValue, formatRatio, formatTolerated, strongestEvidence } from './judge-words.ts';
export { ratioRange } from './ratio-grid.ts';
