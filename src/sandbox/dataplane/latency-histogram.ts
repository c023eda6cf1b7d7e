/**
 * Latency histograms with the bucket bounds of Linkerd's proxy (`response_latency_ms`), so quantiles
 * come out as `histogram_quantile` over Linkerd's series would compute them.
 */

/** Upper bounds in milliseconds of Linkerd's `response_latency_ms` buckets; +Inf is implicit. */
export const LATENCY_BUCKETS_MS: readonly number[] = [
  1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 100, 200, 300, 400, 500, 1000, 2000, 3000, 4000, 5000, 10000, 20000, 30000, 40000, 50000,
];

/** Non-cumulative counts per bucket: index i counts observations in (bound[i-1], bound[i]]; the last slot is +Inf. */
export type BucketCounts = number[];

/** A zeroed set of bucket counts. */
export function emptyBuckets(): BucketCounts {
  return new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
}

/** The index of the bucket an observation falls in. */
export function bucketIndex(latencyMs: number): number {
  const index = LATENCY_BUCKETS_MS.findIndex((bound) => latencyMs <= bound);
  return index === -1 ? LATENCY_BUCKETS_MS.length : index;
}

/** Adds `from` into `into`, bucket by bucket. */
export function addBuckets(into: BucketCounts, from: BucketCounts): void {
  for (let i = 0; i < into.length; i++) into[i] += from[i];
}

/**
 * The q-quantile (0..1) the way Prometheus' histogram_quantile estimates it: linear interpolation
 * inside the bucket that holds the rank, the first bucket starting at 0, and the highest finite bound
 * when the rank lands in +Inf. NaN when the histogram is empty, as Prometheus returns.
 */
export function histogramQuantile(q: number, buckets: BucketCounts): number {
  const total = buckets.reduce((sum, n) => sum + n, 0);
  if (total === 0 || Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const rank = q * total;
  let cumulative = 0;
  for (let i = 0; i < buckets.length; i++) {
    const before = cumulative;
    cumulative += buckets[i];
    if (cumulative >= rank) {
      if (i === LATENCY_BUCKETS_MS.length) return LATENCY_BUCKETS_MS[i - 1];
      const lower = i === 0 ? 0 : LATENCY_BUCKETS_MS[i - 1];
      const upper = LATENCY_BUCKETS_MS[i];
      // q = 0 lands on an empty leading bucket: Prometheus answers its lower bound.
      return buckets[i] === 0 ? lower : lower + (upper - lower) * ((rank - before) / buckets[i]);
    }
  }
  return LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1];
}
