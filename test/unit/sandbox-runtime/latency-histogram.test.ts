import { LATENCY_BUCKETS_MS, bucketIndex, emptyBuckets, histogramQuantile } from '../../../src/sandbox/dataplane/latency-histogram.ts';

function histogramOf(latencies: number[]) {
  const buckets = emptyBuckets();
  for (const latency of latencies) buckets[bucketIndex(latency)]++;
  return buckets;
}

describe('latency histogram', () => {
  it("uses Linkerd's bucket bounds, upper bounds inclusive", () => {
    expect(LATENCY_BUCKETS_MS.slice(0, 6)).toEqual([1, 2, 3, 4, 5, 10]);
    expect(bucketIndex(0.2)).toBe(0);
    expect(bucketIndex(1)).toBe(0);
    expect(bucketIndex(1.01)).toBe(1);
    expect(bucketIndex(10)).toBe(5);
    expect(bucketIndex(60_000)).toBe(LATENCY_BUCKETS_MS.length);
  });

  it('interpolates inside the bucket that holds the rank, as histogram_quantile does', () => {
    // 100 requests between 10 and 20 ms: p50 is halfway through the (10, 20] bucket.
    const buckets = histogramOf(Array.from({ length: 100 }, () => 15));
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(15);
    expect(histogramQuantile(0.99, buckets)).toBeCloseTo(19.9);
    expect(histogramQuantile(1, buckets)).toBe(20);
  });

  it('reports a slow tail in p99 but not in p50', () => {
    const buckets = histogramOf([...Array.from({ length: 95 }, () => 3), ...Array.from({ length: 5 }, () => 450)]);
    expect(histogramQuantile(0.5, buckets)).toBeLessThanOrEqual(3);
    expect(histogramQuantile(0.99, buckets)).toBeGreaterThan(400);
  });

  it('answers the highest finite bound for ranks in +Inf and NaN for an empty histogram', () => {
    expect(histogramQuantile(0.99, histogramOf([70_000]))).toBe(50_000);
    expect(histogramQuantile(0.99, emptyBuckets())).toBeNaN();
  });
});
