import type { CanaryAnalysis } from '../api/canary.ts';
import type { Weights } from './observation.ts';

/**
 * How a run moves traffic, from the analysis spec alone: Flagger's rule is that `match` with
 * `iterations` is A/B, `iterations` alone blue/green, anything else a weighted canary.
 */

export type StrategyKind = 'canary' | 'blue-green' | 'ab-testing';

/** The strategy the analysis spec asks for. */
export function strategyOf(analysis: CanaryAnalysis): StrategyKind {
  if (analysis.iterations !== undefined && analysis.iterations > 0) {
    return analysis.match !== undefined && analysis.match.length > 0 ? 'ab-testing' : 'blue-green';
  }
  return 'canary';
}

/**
 * The canary weight at which analysis is complete, as Flagger reads it: the last `stepWeights` entry
 * (maxWeight is then ignored), else `maxWeight`, else 100.
 */
export function maxWeightOf(analysis: CanaryAnalysis): number {
  const steps = analysis.stepWeights;
  if (steps !== undefined && steps.length > 0) return Math.min(100, steps[steps.length - 1]);
  return analysis.maxWeight ?? 100;
}

/**
 * The weight after `current`: the next larger `stepWeights` entry, or `current + stepWeight`. As in
 * Flagger, the step that reaches the max weight is taken whole (stepWeight 20, maxWeight 50: 20, 40,
 * 60); only 100 caps it.
 */
export function nextCanaryWeight(analysis: CanaryAnalysis, current: number): number {
  const steps = analysis.stepWeights;
  if (steps !== undefined && steps.length > 0) {
    const next = steps.find((step) => step > current);
    return Math.min(next ?? 100, 100);
  }
  const step = analysis.stepWeight ?? maxWeightOf(analysis);
  return Math.min(current + step, 100);
}

/** Every weight a full canary run passes through, from 0 to the max, for status displays and tests. */
export function weightSequence(analysis: CanaryAnalysis): number[] {
  const weights = [0];
  for (let w = 0; w < maxWeightOf(analysis); ) {
    w = nextCanaryWeight(analysis, w);
    weights.push(w);
  }
  return weights;
}

/** The weights after one promotion step: all to the primary at once, or primary += `stepWeightPromotion`. */
export function nextPromotionWeights(analysis: CanaryAnalysis, canaryWeight: number): Weights {
  const step = analysis.stepWeightPromotion;
  if (step === undefined) return { canary: 0, primary: 100 };
  const canary = Math.max(0, canaryWeight - step);
  return { canary, primary: 100 - canary };
}

/** Weights that send `canary` percent to the canary and the rest to the primary. */
export function weightsFor(canary: number): Weights {
  return { canary, primary: 100 - canary };
}

/**
 * The weights at a canary weight during a run: with `analysis.baseline`, the baseline receives the same
 * weight as the canary (as far as 100 allows: at 60 the baseline gets 40 and the primary nothing), so
 * the two compare like for like; the primary keeps the rest.
 */
export function runWeights(analysis: Pick<CanaryAnalysis, 'baseline' | 'iterations' | 'match'>, canary: number): Weights {
  if (analysis.baseline !== true || strategyOf(analysis) !== 'canary' || canary <= 0) return weightsFor(canary);
  const baseline = Math.min(canary, 100 - canary);
  return { canary, primary: 100 - canary - baseline, baseline };
}
