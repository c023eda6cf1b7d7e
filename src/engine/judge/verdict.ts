/**
 * The judge's decision from its accumulated state. Rollback when the weighted average of the
 * metrics' e-values reaches 1/α (a mean of e-values is an e-value; a product of dependent ones is
 * not). Promotion needs every metric shown no worse than tolerated (an intersection–union test, each
 * at α), and happens before the last step only when early promotion is on. A metric that never saw a
 * failure on either side has e-values of 1: it can neither roll back nor promote.
 */
import type { JudgeConfig, JudgedKind } from './judge-config.ts';
import { alphaOf, resolveJudgeConfig } from './judge-config.ts';
import { JudgeInputError } from './judge-input-error.ts';
import type { JudgeState, MetricEvidenceState } from './judge-state.ts';
import { mismatchesWith } from './judge-state.ts';
import { logPromotionEValue, logRollbackEValue, ratioBounds, ratioEstimate } from './evidence.ts';
import { logSumExp } from './log-sum-exp.ts';

// Math's functions bound once (see likelihood.ts).
const { exp, log, min } = Math;

export type JudgeDecision = 'rollback' | 'promote' | 'continue';

/**
 * What one metric shows: `worse` when even the lower confidence bound is above the tolerated ratio,
 * `no-worse` when the upper bound is below it, `no-data` before any interval could compare the sides.
 */
export type MetricOutcome = 'worse' | 'no-worse' | 'undecided' | 'no-data';

/** One metric's evidence, for the decision, the status and the words people see. */
export interface MetricEvidence {
  name: string;
  kind: JudgedKind;
  /** Tolerated ratio r0 = 1 + maxIncrease. */
  tolerated: number;
  boundaryMs?: number;
  /** Most likely ratio of the canary's rate to the primary's; absent while nothing was compared. */
  estimate?: number;
  /** One-sided bounds at the configured confidence; an absent end is unbounded (0 or ∞). */
  lower?: number;
  upper?: number;
  /** Evidence that the canary is worse than tolerated (1 = none; capped at e^700 to stay a JSON number). */
  eValue: number;
  /** The e-value this metric alone needs to roll back: 1/(α·weight). */
  bar: number;
  /** This metric's share of the average of e-values. */
  weight: number;
  /** Evidence that the canary is no worse than tolerated; promotion needs 1/α on every metric. */
  promotionEValue: number;
  outcome: MetricOutcome;
  /** Intervals that compared the two sides (both served requests, something failed or was slow). */
  informativeIntervals: number;
  canaryRequests: number;
  primaryRequests: number;
  canaryEvents: number;
  primaryEvents: number;
}

/** The judge's verdict after the latest interval. */
export interface JudgeVerdict {
  decision: JudgeDecision;
  /** The weighted average of the metrics' e-values, compared with `bar`. */
  eValue: number;
  /** 1/α: 20 at 95 % confidence. */
  bar: number;
  confidence: number;
  /** Every metric is shown no worse than tolerated: what a last step may promote on, early or not. */
  noWorse: boolean;
  metrics: MetricEvidence[];
}

/** The decision and per-metric evidence for a state; throws if the state was built for another configuration. */
export function verdict(state: JudgeState, config: JudgeConfig): JudgeVerdict {
  const resolved = resolveJudgeConfig(config);
  const mismatches = mismatchesWith(state, resolved);
  if (mismatches.length > 0) throw new JudgeInputError('state', mismatches.join('; '), 'was accumulated for another configuration: start from initialState');
  const alpha = alphaOf(resolved);
  const logBar = -log(alpha);
  const byName = new Map(state.metrics.map((metric) => [metric.name, metric]));
  const scored = resolved.metrics.map((metric) => {
    const stored = byName.get(metric.name) as MetricEvidenceState;
    const logRollback = logRollbackEValue(stored.logLikelihood);
    return { evidence: metricEvidence(stored, metric.weight, alpha, logRollback), logRollback, weight: metric.weight };
  });
  const logAverage = logSumExp(scored.map((s) => log(s.weight) + s.logRollback));
  const metrics = scored.map((s) => s.evidence);
  // From the outcome, not the rounded e-values: a metric shown both worse and no worse (an empty interval) does not promote.
  const noWorse = metrics.every((metric) => metric.outcome === 'no-worse');
  let decision: JudgeDecision = 'continue';
  if (logAverage >= logBar) decision = 'rollback';
  else if (noWorse && resolved.earlyPromotion) decision = 'promote';
  return { decision, eValue: cappedExp(logAverage), bar: 1 / alpha, confidence: resolved.confidence, noWorse, metrics };
}

function metricEvidence(stored: MetricEvidenceState, weight: number, alpha: number, logRollback: number): MetricEvidence {
  const logBar = -log(alpha);
  const logPromotion = logPromotionEValue(stored.logLikelihood);
  const bounds = ratioBounds(stored.logLikelihood, stored.tolerated, logBar);
  const estimate = ratioEstimate(stored.logLikelihood, stored.tolerated);
  let outcome: MetricOutcome = 'undecided';
  if (stored.informativeIntervals === 0) outcome = 'no-data';
  else if (logRollback >= logBar) outcome = 'worse';
  else if (logPromotion >= logBar) outcome = 'no-worse';
  return {
    name: stored.name,
    kind: stored.kind,
    tolerated: stored.tolerated,
    ...(stored.boundaryMs === undefined ? {} : { boundaryMs: stored.boundaryMs }),
    ...(estimate === undefined ? {} : { estimate }),
    ...bounds,
    eValue: cappedExp(logRollback),
    bar: 1 / (alpha * weight),
    weight,
    promotionEValue: cappedExp(logPromotion),
    outcome,
    informativeIntervals: stored.informativeIntervals,
    canaryRequests: stored.canaryRequests,
    primaryRequests: stored.primaryRequests,
    canaryEvents: stored.canaryEvents,
    primaryEvents: stored.primaryEvents,
  };
}

// e^700 ≈ 1e304: still a finite JSON number, and any bar is far below it.
function cappedExp(logValue: number): number {
  return exp(min(logValue, 700));
}
