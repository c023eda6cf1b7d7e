import { describeVerdict, formatEValue, formatRatio, initialState, update, verdict } from '../../../../src/engine/judge/index.ts';
import type { IntervalCounts, JudgeConfig } from '../../../../src/engine/judge/index.ts';

function judged(config: JudgeConfig, intervals: Record<string, IntervalCounts>[]) {
  return verdict(intervals.reduce((state, metrics) => update(state, { metrics }), initialState(config)), config);
}

const failures: JudgeConfig = { metrics: [{ name: 'request-success-rate', kind: 'failures', maxIncrease: 0.2 }] };

describe('the words people see', () => {
  it('says how much more often the canary fails, the interval and the tolerance when rolling back', () => {
    const verdictText = describeVerdict(judged(failures, [{ 'request-success-rate': { canaryRequests: 1200, primaryRequests: 4800, canaryEvents: 84, primaryEvents: 160 } }]));
    expect(verdictText).toBe('canary fails 2.1× as often as primary (95 %: 1.4–3.1×), tolerated 1.2×: rolling back');
  });

  it('says how far the evidence is from the bar while it is not conclusive', () => {
    const text = describeVerdict(judged(failures, [{ 'request-success-rate': { canaryRequests: 600, primaryRequests: 5400, canaryEvents: 5, primaryEvents: 30 } }]));
    expect(text).toMatch(/^canary fails 1\.5× as often as primary \(95 %: 0\.\d+–\d\.\d×\), tolerated 1\.2×: not conclusive yet \(e-value 0\.8, rollback at 20\)$/);
  });

  it('names each metric and the latency boundary when several are compared', () => {
    const both: JudgeConfig = { confidence: 0.99, metrics: [...failures.metrics, { name: 'request-duration', kind: 'latency', boundaryMs: 300, maxIncrease: 0.25 }] };
    const text = describeVerdict(judged(both, [{
      'request-success-rate': { canaryRequests: 3000, primaryRequests: 3000, canaryEvents: 0, primaryEvents: 0 },
      'request-duration': { canaryRequests: 3000, primaryRequests: 3000, canaryEvents: 14, primaryEvents: 15 },
    }]));
    expect(text).toMatch(/^request-success-rate: nothing to compare yet: no failed request on either side \(canary 3,000 requests, primary 3,000\); request-duration: canary is slower than 300 ms 0\.93× as often as primary \(99 %: [^)]+\), tolerated 1\.25×: not conclusive yet/);
  });

  it('says when there were no requests to compare', () => {
    expect(describeVerdict(judged(failures, []))).toBe('nothing to compare yet: canary 0 requests, primary 0');
  });

  it('shows a crashed canary beyond the grid as "more than"', () => {
    const text = describeVerdict(judged(failures, [{ 'request-success-rate': { canaryRequests: 600, primaryRequests: 5400, canaryEvents: 600, primaryEvents: 5 } }]));
    expect(text).toBe('canary fails more than 66× as often as primary (95 %: above 59×), tolerated 1.2×: rolling back');
  });

  it('formats ratios and e-values for reading', () => {
    expect([0.0213, 0.45, 1, 1.25, 2.14, 9.96, 21.4].map(formatRatio)).toEqual(['0.021×', '0.45×', '1×', '1.3×', '2.1×', '10×', '21×']);
    expect([0.0001, 0.036, 3.14, 25, 12345.6, 3e9].map(formatEValue)).toEqual(['less than 0.001', '0.04', '3.1', '25', '12,346', 'more than a million']);
  });
});
