/**
 * The conditional binomial log-likelihood of one interval. Given n = y + x bad events (y on the
 * canary, x on the primary) and the observed canary share s of the requests, y ~ Binomial(n, θ(r))
 * with θ(r) = r·s / (r·s + 1 − s), r being the ratio of the canary's event rate to the primary's.
 * Conditioning on n cancels the shared baseline, so a common-mode incident (both sides failing more)
 * does not move it, and using the observed share keeps it right whatever weight the router really
 * applied.
 */
import type { IntervalCounts } from './interval-counts.ts';
import { GRID_POINTS, gridOffset } from './ratio-grid.ts';

// Math's functions bound once: inside jest's VM contexts every lookup of a global costs ~30× a
// local one, and the validity simulations call these millions of times.
const { exp, log, log1p } = Math;

/** ln L(ratio) − ln L(tolerated) for one interval: y·ln(θ(r)/θ(r0)) + (n−y)·ln((1−θ(r))/(1−θ(r0))). */
export function logLikelihoodRatio(counts: IntervalCounts, tolerated: number, ratio: number): number {
  const share = canaryShare(counts);
  const events = counts.canaryEvents + counts.primaryEvents;
  if (share === undefined || events === 0) return 0;
  // ln θ(r) = ln r + ln s − ln(1 + s(r−1)) and ln(1 − θ(r)) = ln(1 − s) − ln(1 + s(r−1)), so the
  // difference collapses to y·ln(r/r0) − n·[ln(1 + s(r−1)) − ln(1 + s(r0−1))].
  const logNormaliser = (r: number) => log1p(share * (r - 1));
  return counts.canaryEvents * log(ratio / tolerated) - events * (logNormaliser(ratio) - logNormaliser(tolerated));
}

/** Adds one interval's log-likelihood ratios to every grid point; returns a new array. */
export function addInterval(logLikelihood: readonly number[], counts: IntervalCounts, tolerated: number): number[] {
  const next = logLikelihood.slice();
  const share = canaryShare(counts);
  const events = counts.canaryEvents + counts.primaryEvents;
  if (share === undefined || events === 0) return next;
  const atTolerated = log1p(share * (tolerated - 1));
  for (let index = 0; index < GRID_POINTS; index++) {
    const offset = gridOffset(index);
    const ratio = tolerated * exp(offset);
    next[index] += counts.canaryEvents * offset - events * (log1p(share * (ratio - 1)) - atTolerated);
  }
  return next;
}

/** The observed canary share of requests, or undefined when one side served none (no comparison). */
export function canaryShare(counts: IntervalCounts): number | undefined {
  const total = counts.canaryRequests + counts.primaryRequests;
  if (counts.canaryRequests <= 0 || counts.primaryRequests <= 0) return undefined;
  return counts.canaryRequests / total;
}
