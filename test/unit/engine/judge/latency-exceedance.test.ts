import { initialState, slowBoundary, slowRequestCounts, update, verdict } from '../../../../src/engine/judge/index.ts';
import type { HistogramSnapshot, JudgeConfig } from '../../../../src/engine/judge/index.ts';

// Linkerd's response_latency_ms boundaries around a 250 ms p99.
const BOUNDARIES = [50, 100, 200, 300, 400, 500, 1000, Infinity];

/** A cumulative histogram from per-bucket (not cumulative) counts, one per boundary. */
function histogram(perBucket: number[]): HistogramSnapshot {
  let total = 0;
  const buckets = BOUNDARIES.map((le, i) => ({ le, count: (total += perBucket[i] ?? 0) }));
  return { buckets, count: total };
}

function plus(a: HistogramSnapshot, b: HistogramSnapshot): HistogramSnapshot {
  return { buckets: a.buckets.map((bucket, i) => ({ le: bucket.le, count: bucket.count + b.buckets[i].count })), count: a.count + b.count };
}

describe('the slow-request boundary', () => {
  it('is the smallest bucket boundary at or above the primary p99 before the run', () => {
    // 9,850 of 10,000 requests at or under 200 ms, 9,950 under 300 ms: p99 lies in (200, 300].
    expect(slowBoundary(histogram([5000, 3000, 1850, 100, 20, 10, 10, 10]))).toEqual({ boundaryMs: 300 });
    // Exactly 99 % at or under 200 ms: 200 is the p99 itself.
    expect(slowBoundary(histogram([5000, 3000, 1900, 60, 20, 10, 10, 0]))).toEqual({ boundaryMs: 200 });
  });

  it('says why there is none: no primary traffic, or a p99 beyond the last finite bucket', () => {
    expect(slowBoundary(histogram([]))).toEqual({ problem: 'the primary served no requests in the window before the run' });
    expect(slowBoundary(histogram([9000, 0, 0, 0, 0, 0, 0, 1000]))).toEqual({ problem: "the primary's p99 is above the largest finite bucket boundary (1000 ms)" });
  });

  it('refuses a histogram whose buckets are not cumulative', () => {
    const broken = { buckets: [{ le: 100, count: 10 }, { le: 200, count: 5 }, { le: Infinity, count: 10 }], count: 10 };
    expect(() => slowBoundary(broken)).toThrow("primary.buckets[1].count: 5 must be at least the previous bucket's 10 (buckets are cumulative)");
  });
});

describe('slow-request counts from raw counter differences', () => {
  const start = histogram([1000, 500, 300, 20, 5, 0, 0, 0]);

  it('counts requests over the boundary on each side and the requests from _count', () => {
    const canary = { before: start, after: plus(start, histogram([50, 30, 10, 6, 3, 1, 0, 0])) };
    const primary = { before: start, after: plus(start, histogram([500, 300, 180, 12, 5, 2, 1, 0])) };
    expect(slowRequestCounts(300, canary, primary)).toEqual({ counts: { canaryRequests: 100, primaryRequests: 1000, canaryEvents: 4, primaryEvents: 8 } });
  });

  it('skips an interval whose counters went backwards (a pod restarted) instead of inventing a negative count', () => {
    const canary = { before: start, after: histogram([10, 0, 0, 0, 0, 0, 0, 0]) };
    expect(slowRequestCounts(300, canary, { before: start, after: start })).toEqual({ noData: "the canary's latency counters went backwards (a pod restarted); this interval is skipped" });
  });

  it('refuses histograms that lack the chosen boundary', () => {
    const other = { buckets: [{ le: 250, count: 1 }, { le: Infinity, count: 1 }], count: 1 };
    expect(() => slowRequestCounts(300, { before: other, after: other }, { before: start, after: start })).toThrow('canary.before.buckets: [250,null] has no bucket at the chosen boundary 300 ms');
  });

  it('feeds the same judge: a canary three times as often slow is rolled back, one as often is not', () => {
    const config: JudgeConfig = { metrics: [{ name: 'request-duration', kind: 'latency', boundaryMs: 300 }] };
    const judgedWith = (canarySlow: number) => {
      let state = initialState(config);
      let before = { canary: start, primary: start };
      for (let minute = 0; minute < 5; minute++) {
        // 10,000 canary and 50,000 primary requests a minute; 0.1 % of the primary's are slow.
        const after = { canary: plus(before.canary, histogram([9000, 800, 200 - canarySlow, 0, canarySlow])), primary: plus(before.primary, histogram([45000, 4000, 950, 0, 50])) };
        const measured = slowRequestCounts(300, { before: before.canary, after: after.canary }, { before: before.primary, after: after.primary });
        if (!('counts' in measured)) throw new Error(measured.noData);
        state = update(state, { metrics: { 'request-duration': measured.counts } });
        before = after;
      }
      return verdict(state, config);
    };
    expect(judgedWith(30).decision).toBe('rollback');
    expect(judgedWith(10).decision).toBe('continue');
  });
});
