/** Picking a TrafficSplit backend in proportion to its weight. */

/** A candidate with a relative weight (weights need not sum to 100). */
export interface Weighted<T> {
  item: T;
  weight: number;
}

/**
 * Picks one candidate with probability weight / total using `draw` in [0, 1); undefined when no
 * candidate has a positive weight. Negative and non-finite weights count as 0.
 */
export function chooseWeighted<T>(candidates: readonly Weighted<T>[], draw: number): T | undefined {
  const usable = candidates.filter((c) => Number.isFinite(c.weight) && c.weight > 0);
  const total = usable.reduce((sum, c) => sum + c.weight, 0);
  if (total <= 0) return undefined;
  let point = draw * total;
  for (const candidate of usable) {
    if (point < candidate.weight) return candidate.item;
    point -= candidate.weight;
  }
  // Rounding can leave the point a hair past the end.
  return usable[usable.length - 1].item;
}
