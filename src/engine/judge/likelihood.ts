/**
 * The conditional binomial log-likelihood of one interval. Given n = y + x bad events (y on the
 * canary, x on the primary) and the observed canary share s of the requests, y ~ Binomial(n, θ(r))
 * with θ(r) = r·s / (r·s + 1 − s), r being the ratio of the canary's event rate to the primary's.
 * Conditioning on n cancels the shared baseline, so a common-mode incident (both sides failing more)
 * does not move it, and using the observed share keeps it right whatever weight the router really
 * applied.
 */
import type { IntervalCounts } from './interval-counts.ts';
import { GRID_HALF_WIDTH, GRID_POINTS, GRID_STEP } from './ratio-grid.ts';

// Math's functions bound once: inside jest's VM contexts every lookup of a global costs ~30× a
// local one, and the validity simulations call these millions of times.
const { exp, log, log1p } = Math;

/** ln L(ratio) − ln L(tolerated) for one interval: y·ln(θ(r)/θ(r0)) + (n−y)·ln((1−θ(r))/(1−θ(r0))). */
export function logLikelihoodRatio(counts: IntervalCounts, tolerated: number, ratio: number): number {
  const terms = intervalTerms(counts, tolerated);
  return terms === undefined ? 0 : ratioTerm(terms, log(ratio / tolerated));
}

/** Adds one interval's log-likelihood ratios to every grid point; returns a new array. */
export function addInterval(logLikelihood: readonly number[], counts: IntervalCounts, tolerated: number): number[] {
  const next = logLikelihood.slice();
  const terms = intervalTerms(counts, tolerated);
  if (terms === undefined) return next;
  for (let index = 0; index < GRID_POINTS; index++) next[index] += ratioTerm(terms, (index - GRID_HALF_WIDTH) * GRID_STEP);
  return next;
}

// What one interval contributes, computed once for all grid points; undefined when it says nothing.
interface IntervalTerms {
  canaryEvents: number;
  events: number;
  share: number;
  tolerated: number;
  logNormaliserAtTolerated: number;
}

function intervalTerms(counts: IntervalCounts, tolerated: number): IntervalTerms | undefined {
  const share = canaryShare(counts);
  const events = counts.canaryEvents + counts.primaryEvents;
  if (share === undefined || events === 0) return undefined;
  return { canaryEvents: counts.canaryEvents, events, share, tolerated, logNormaliserAtTolerated: log1p(share * (tolerated - 1)) };
}

// ln θ(r) = ln r + ln s − ln(1 + s(r−1)) and ln(1 − θ(r)) = ln(1 − s) − ln(1 + s(r−1)), so the
// difference collapses to y·u − n·[ln(1 + s(r−1)) − ln(1 + s(r0−1))] with u = ln(r/r0).
function ratioTerm(terms: IntervalTerms, logRatio: number): number {
  const ratio = terms.tolerated * exp(logRatio);
  return terms.canaryEvents * logRatio - terms.events * (log1p(terms.share * (ratio - 1)) - terms.logNormaliserAtTolerated);
}

/** The observed canary share of requests, or undefined when one side served none (no comparison). */
export function canaryShare(counts: IntervalCounts): number | undefined {
  const total = counts.canaryRequests + counts.primaryRequests;
  if (counts.canaryRequests <= 0 || counts.primaryRequests <= 0) return undefined;
  return counts.canaryRequests / total;
}
