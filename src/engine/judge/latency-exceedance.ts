/**
 * Latency as a rate the judge can compare: a request is "slow" when it took longer than one bucket
 * boundary b, the smallest boundary at or above the primary's p99 over a window before the run. The
 * canary's share of the slow requests then gets the same test as failures (a p99 shift shows up as
 * more exceedances long before a uniform test on the whole distribution notices). Counts are raw
 * differences of the cumulative bucket counters, never `increase()`, which extrapolates.
 */
import type { IntervalCounts } from './interval-counts.ts';
import { JudgeInputError } from './judge-input-error.ts';

/** One cumulative bucket: requests that took at most `le` (ms; Infinity for `+Inf`). */
export interface HistogramBucket {
  le: number;
  count: number;
}

/** A cumulative Prometheus histogram of one side at one instant: its buckets and `_count`. */
export interface HistogramSnapshot {
  buckets: HistogramBucket[];
  count: number;
}

/** A histogram's counters at the start and at the end of an interval. */
export interface HistogramInterval {
  before: HistogramSnapshot;
  after: HistogramSnapshot;
}

/** The boundary chosen, or why none can be: the caller then cannot compare latency this run. */
export type SlowBoundary = { boundaryMs: number } | { problem: string };

/** The smallest finite bucket boundary at or above the `quantile` of a window's histogram (the primary's, before the run). */
export function slowBoundary(window: HistogramSnapshot, quantile = 0.99, field = 'primary'): SlowBoundary {
  if (!(quantile > 0 && quantile < 1)) throw new JudgeInputError('quantile', quantile, 'must be above 0 and below 1');
  checkSnapshot(window, field);
  if (window.count <= 0) return { problem: 'the primary served no requests in the window before the run' };
  const rank = quantile * window.count;
  const bucket = window.buckets.find((b) => b.count >= rank);
  if (bucket === undefined || bucket.le === Infinity) {
    const finite = window.buckets.filter((b) => b.le !== Infinity);
    const largest = finite.length > 0 ? `${finite[finite.length - 1].le} ms` : 'none';
    return { problem: `the primary's p${Math.round(quantile * 100)} is above the largest finite bucket boundary (${largest})` };
  }
  return { boundaryMs: bucket.le };
}

/** Per-interval slow-request counts of both sides; `noData` when a counter went backwards (a pod restarted). */
export function slowRequestCounts(boundaryMs: number, canary: HistogramInterval, primary: HistogramInterval): { counts: IntervalCounts } | { noData: string } {
  const sides = { canary, primary };
  const measured: Record<'canary' | 'primary', { requests: number; slow: number }> = { canary: { requests: 0, slow: 0 }, primary: { requests: 0, slow: 0 } };
  for (const side of ['canary', 'primary'] as const) {
    const { before, after } = sides[side];
    checkSnapshot(before, `${side}.before`);
    checkSnapshot(after, `${side}.after`);
    const fastBefore = countAt(before, boundaryMs, `${side}.before`);
    const fastAfter = countAt(after, boundaryMs, `${side}.after`);
    const requests = after.count - before.count;
    const fast = fastAfter - fastBefore;
    if (requests < 0 || fast < 0 || after.count - fastAfter < before.count - fastBefore) {
      return { noData: `the ${side}'s latency counters went backwards (a pod restarted); this interval is skipped` };
    }
    measured[side] = { requests, slow: requests - fast };
  }
  return {
    counts: {
      canaryRequests: measured.canary.requests,
      primaryRequests: measured.primary.requests,
      canaryEvents: measured.canary.slow,
      primaryEvents: measured.primary.slow,
    },
  };
}

function countAt(snapshot: HistogramSnapshot, boundaryMs: number, field: string): number {
  const bucket = snapshot.buckets.find((b) => b.le === boundaryMs);
  if (bucket === undefined) {
    throw new JudgeInputError(`${field}.buckets`, snapshot.buckets.map((b) => b.le), `has no bucket at the chosen boundary ${boundaryMs} ms (the histogram's buckets changed during the run)`);
  }
  return bucket.count;
}

function checkSnapshot(snapshot: HistogramSnapshot, field: string): void {
  if (!(Number.isFinite(snapshot.count) && snapshot.count >= 0)) throw new JudgeInputError(`${field}.count`, snapshot.count, 'must be a finite number at least 0');
  let previous: HistogramBucket | undefined;
  snapshot.buckets.forEach((bucket, i) => {
    const at = `${field}.buckets[${i}]`;
    if (Number.isNaN(bucket.le)) throw new JudgeInputError(`${at}.le`, bucket.le, 'must be a number or Infinity for +Inf');
    if (!(Number.isFinite(bucket.count) && bucket.count >= 0)) throw new JudgeInputError(`${at}.count`, bucket.count, 'must be a finite number at least 0');
    if (previous !== undefined && bucket.le <= previous.le) throw new JudgeInputError(`${at}.le`, bucket.le, `must be above the previous boundary ${previous.le}`);
    if (previous !== undefined && bucket.count < previous.count) throw new JudgeInputError(`${at}.count`, bucket.count, `must be at least the previous bucket's ${previous.count} (buckets are cumulative)`);
    if (bucket.count > snapshot.count) throw new JudgeInputError(`${at}.count`, bucket.count, `must be at most _count (${snapshot.count})`);
    previous = bucket;
  });
}
