/**
 * The grid of failure-rate ratios the judge keeps evidence for, and the prior that mixes them.
 *
 * Points sit at r = tolerated · e^u with u = ln(r / tolerated) on a uniform grid of step 0.05 over
 * [-4, 4] (161 points, ratios from tolerated/55 to 55·tolerated). A uniform grid, rather than the
 * reference's log-spaced u, lets one array serve three uses with the same prior weights at every
 * centre: the rollback test (alternatives above the tolerated ratio), the promotion test (below it)
 * and the confidence bounds (centred on any grid point). The step is fine enough that the best
 * alternative is never more than 0.025 in u from the truth, and the prior is a half-normal on the
 * distance |u − u_centre| with scale ln 2, as in the reference.
 *
 * The grid is part of the stored state's meaning: changing STEP or HALF_WIDTH needs a new
 * JUDGE_STATE_VERSION.
 */

// Math's functions bound once: inside jest's VM contexts every lookup of a global costs ~30× a
// local one, and the validity simulations call these millions of times.
const { exp } = Math;

/** Grid step in u = ln(r / tolerated). */
export const GRID_STEP = 0.05;
/** Points on each side of the tolerated ratio; the grid has 2·HALF_WIDTH + 1 points. */
export const GRID_HALF_WIDTH = 80;
/** Number of grid points (index HALF_WIDTH is the tolerated ratio itself). */
export const GRID_POINTS = 2 * GRID_HALF_WIDTH + 1;
/** Scale of the half-normal prior on the distance in u between an alternative and the null. */
export const PRIOR_SCALE = Math.LN2;

/** The ratio at grid index `index` (0 … GRID_POINTS − 1) for a tolerated ratio. */
export function gridRatio(tolerated: number, index: number): number {
  return tolerated * exp((index - GRID_HALF_WIDTH) * GRID_STEP);
}

/** The smallest and largest ratio the grid can show for a tolerated ratio. */
export function ratioRange(tolerated: number): { min: number; max: number } {
  return { min: gridRatio(tolerated, 0), max: gridRatio(tolerated, GRID_POINTS - 1) };
}

/**
 * ln of the prior mass at k = 0 … GRID_POINTS − 1 steps from the null: the half-normal mass of the
 * cell [(k − ½)·step, (k + ½)·step), clipped at 0 for k = 0 and open-ended for the last, so the masses
 * sum to 1. The k = 0 cell sits on the null itself (a likelihood ratio of 1): this is the trapezoid
 * rule's end, and keeps the grid within 0.3 % of the continuous mixture where it is close to 1.
 * An alternative cut off by the grid's edge loses its mass, which makes the e-value smaller, never
 * invalid.
 */
export const LOG_PRIOR_MASS: readonly number[] = buildLogPriorMasses();

function buildLogPriorMasses(): number[] {
  const masses: number[] = [];
  const last = GRID_POINTS - 1;
  for (let k = 0; k <= last; k++) {
    const from = k === 0 ? 0 : (k - 0.5) * GRID_STEP;
    const to = k === last ? Infinity : (k + 0.5) * GRID_STEP;
    masses.push(halfNormalMass(from, to));
  }
  const total = masses.reduce((sum, mass) => sum + mass, 0);
  return masses.map((mass) => Math.log(mass / total));
}

// Simpson's rule on the half-normal density over the cell: masses are renormalised afterwards, and
// eight panels per 0.05-wide cell are exact to ~1e-12 for a scale of ln 2.
function halfNormalMass(from: number, to: number): number {
  const end = Math.min(to, from + 12 * PRIOR_SCALE);
  if (end <= from) return 0;
  const panels = Math.max(8, Math.ceil((end - from) / GRID_STEP) * 8);
  const width = (end - from) / panels;
  let sum = density(from) + density(end);
  for (let i = 1; i < panels; i++) sum += (i % 2 === 1 ? 4 : 2) * density(from + i * width);
  return (sum * width) / 3;
}

function density(u: number): number {
  return (Math.SQRT2 / (PRIOR_SCALE * Math.sqrt(Math.PI))) * exp(-(u * u) / (2 * PRIOR_SCALE * PRIOR_SCALE));
}
