/**
 * Everything the judge concludes from one metric's log-likelihood over the ratio grid: the e-values
 * for "worse than tolerated" and "no worse than tolerated", the confidence bounds, and the estimate.
 *
 * The e-value against H0: r ≤ c mixes the likelihood ratios of the grid points above c with the
 * half-normal prior; each ratio is a test supermartingale under every r ≤ c (the binomial has a
 * monotone likelihood ratio), so their mixture is too, and Ville's inequality bounds by α the chance
 * that it ever reaches 1/α while H0 holds — however often it is looked at, and whatever weights the
 * canary was given, as long as each interval's weight was set before its outcomes. The mirror image
 * (grid points below c) tests H0': r ≥ c for promotion.
 *
 * The log-likelihood is concave in ln r, so the e-value against r ≤ c falls as c rises (and its mirror
 * rises): the set of ratios still plausible is an interval whose ends are found by bisection. Each end
 * is a one-sided bound at the configured confidence, the same evidence that decides: the lower end is
 * above the tolerated ratio exactly when the rollback e-value for that metric reaches 1/α, and the
 * upper end is below it exactly when the promotion e-value does.
 */
import { GRID_HALF_WIDTH, GRID_POINTS, LOG_PRIOR_MASS, gridRatio } from './ratio-grid.ts';

// Math's functions bound once: inside jest's VM contexts every lookup of a global costs ~30× a
// local one, and the validity simulations call these millions of times.
const { abs, exp, log, max, min } = Math;

/** ln E for H0: r ≤ ratio at grid index `centre`, against the alternatives above it. */
export function logEValueAbove(logLikelihood: readonly number[], centre: number): number {
  return logMixture(logLikelihood, centre, 1);
}

/** ln E for H0': r ≥ ratio at grid index `centre`, against the alternatives below it. */
export function logEValueBelow(logLikelihood: readonly number[], centre: number): number {
  return logMixture(logLikelihood, centre, -1);
}

// ln Σ_k π_k·exp(L[centre + direction·k] − L[centre]), k = 0 … to the edge, in two passes (max,
// then sum) without allocating: the verdict evaluates it a few dozen times per metric and tick.
function logMixture(logLikelihood: readonly number[], centre: number, direction: 1 | -1): number {
  const steps = direction === 1 ? GRID_POINTS - 1 - centre : centre;
  const base = logLikelihood[centre];
  let max = -Infinity;
  for (let k = 0; k <= steps; k++) {
    const term = LOG_PRIOR_MASS[k] + logLikelihood[centre + direction * k] - base;
    if (term > max) max = term;
  }
  let sum = 0;
  for (let k = 0; k <= steps; k++) sum += exp(LOG_PRIOR_MASS[k] + logLikelihood[centre + direction * k] - base - max);
  return max + log(sum);
}

/** ln E that the canary is worse than tolerated (rollback side). */
export function logRollbackEValue(logLikelihood: readonly number[]): number {
  return logEValueAbove(logLikelihood, GRID_HALF_WIDTH);
}

/** ln E that the canary is no worse than tolerated (promotion side). */
export function logPromotionEValue(logLikelihood: readonly number[]): number {
  return logEValueBelow(logLikelihood, GRID_HALF_WIDTH);
}

/** One-sided confidence bounds on the ratio; an absent end is unbounded (0 below, ∞ above). */
export interface RatioBounds {
  lower?: number;
  upper?: number;
}

/** The ratios not yet rejected at level α = e^(−logBar), as [lower, upper] on the grid. */
export function ratioBounds(logLikelihood: readonly number[], tolerated: number, logBar: number): RatioBounds {
  const bounds: RatioBounds = {};
  const peak = mostLikelyIndex(logLikelihood);
  // Each end is found by bisection (the e-values are monotone in the centre), inside a bracket read
  // off the likelihood alone: with prior masses summing to 1 an e-value cannot exceed
  // e^(L(peak) − L(centre)), and it is at least π_d·e^(L(peak) − L(centre)) at distance d from the peak.
  const below = bracket(logLikelihood, peak, logBar, -1);
  const rejectedBelow = lastIndexWhere((index) => logEValueAbove(logLikelihood, index) >= logBar, below.surely, below.possibly + 1);
  if (rejectedBelow >= 0) bounds.lower = gridRatio(tolerated, rejectedBelow);
  const above = bracket(logLikelihood, peak, logBar, 1);
  const rejectedAbove = firstIndexWhere((index) => logEValueBelow(logLikelihood, index) >= logBar, above.possibly - 1, above.surely);
  if (rejectedAbove < GRID_POINTS) bounds.upper = gridRatio(tolerated, rejectedAbove);
  return bounds;
}

// Walking from the peak in `direction`: `possibly` is the first centre whose e-value towards the peak
// could reach the bar, `surely` the first that certainly does (one past the grid's edge when none).
function bracket(logLikelihood: readonly number[], peak: number, logBar: number, direction: 1 | -1): { possibly: number; surely: number } {
  const edge = direction === 1 ? GRID_POINTS : -1;
  let possibly = edge;
  let index = peak;
  for (; index !== edge; index += direction) {
    const drop = logLikelihood[peak] - logLikelihood[index];
    if (possibly === edge && drop >= logBar) possibly = index;
    if (index !== peak && drop + LOG_PRIOR_MASS[abs(index - peak)] >= logBar) break;
  }
  return { possibly, surely: index };
}

/** The ratio of highest likelihood, refined between grid points; undefined when the data say nothing. */
export function ratioEstimate(logLikelihood: readonly number[], tolerated: number): number | undefined {
  const best = mostLikelyIndex(logLikelihood);
  const flat = logLikelihood.every((value) => value === logLikelihood[best]);
  if (flat) return undefined;
  if (best === 0 || best === GRID_POINTS - 1) return gridRatio(tolerated, best);
  // Vertex of the parabola through the best point and its neighbours (the curve is concave).
  const [left, mid, right] = [logLikelihood[best - 1], logLikelihood[best], logLikelihood[best + 1]];
  const curvature = left - 2 * mid + right;
  const shift = curvature < 0 ? (0.5 * (left - right)) / curvature : 0;
  return gridRatio(tolerated, best + max(-0.5, min(0.5, shift)));
}

function mostLikelyIndex(logLikelihood: readonly number[]): number {
  let best = 0;
  for (let index = 1; index < GRID_POINTS; index++) if (logLikelihood[index] > logLikelihood[best]) best = index;
  return best;
}

// Bisection for a predicate true on a prefix of [low, high), known true at low (or low = −1): the last
// index where it holds.
function lastIndexWhere(holds: (index: number) => boolean, low: number, high: number): number {
  while (high - low > 1) {
    const mid = (low + high) >> 1;
    if (holds(mid)) low = mid;
    else high = mid;
  }
  return low;
}

// Bisection for a predicate true on a suffix of (low, high], known true at high (or high = GRID_POINTS):
// the first index where it holds.
function firstIndexWhere(holds: (index: number) => boolean, low: number, high: number): number {
  while (high - low > 1) {
    const mid = (low + high) >> 1;
    if (holds(mid)) high = mid;
    else low = mid;
  }
  return high;
}
