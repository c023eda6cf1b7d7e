import { initialState, update, verdict } from '../../../../src/engine/judge/index.ts';
import type { IntervalCounts, JudgeConfig, JudgeState } from '../../../../src/engine/judge/index.ts';

const single: JudgeConfig = { metrics: [{ name: 'request-success-rate', kind: 'failures' }] };

/** Expected counts at 100 req/s for a minute, the canary at `weight` %, failing `ratio` times the primary's `rate`. */
function minute(weight: number, rate: number, ratio: number): IntervalCounts {
  const canaryRequests = 60 * weight;
  const primaryRequests = 60 * (100 - weight);
  return { canaryRequests, primaryRequests, canaryEvents: Math.round(canaryRequests * rate * ratio), primaryEvents: Math.round(primaryRequests * rate) };
}

function run(config: JudgeConfig, intervals: IntervalCounts[], name = 'request-success-rate'): JudgeState {
  return intervals.reduce((state, counts) => update(state, { metrics: { [name]: counts } }), initialState(config));
}

describe('clear cases', () => {
  it('rolls back a canary failing five times as often within the first minutes, with an interval around 5×', () => {
    const state = run(single, [minute(10, 0.01, 5), minute(20, 0.01, 5)]);
    const judged = verdict(state, single);
    expect(judged.decision).toBe('rollback');
    const [metric] = judged.metrics;
    expect(metric.outcome).toBe('worse');
    expect(metric.estimate).toBeCloseTo(5, 0);
    expect(metric.lower).toBeGreaterThan(1.2);
    expect(metric.lower).toBeLessThan(5);
    expect(metric.upper).toBeGreaterThan(5);
    expect(metric.eValue).toBeGreaterThanOrEqual(judged.bar);
  });

  it('continues with an identical canary (A/A) and an interval that holds 1', () => {
    const judged = verdict(run(single, [10, 20, 30, 40, 50].map((w) => minute(w, 0.009, 1))), single);
    expect(judged.decision).toBe('continue');
    expect(judged.metrics[0].lower ?? 0).toBeLessThan(1);
    expect(judged.metrics[0].upper).toBeGreaterThan(1);
    expect(judged.eValue).toBeLessThan(1);
  });

  it('shows a clearly-as-good canary no worse than tolerated given enough data, and promotes only when asked', () => {
    const intervals = Array.from({ length: 30 }, () => minute(50, 0.02, 0.9));
    const judged = verdict(run(single, intervals), single);
    expect(judged.metrics[0].outcome).toBe('no-worse');
    expect(judged.noWorse).toBe(true);
    expect(judged.decision).toBe('continue');
    const early: JudgeConfig = { ...single, earlyPromotion: true };
    expect(verdict(run(early, intervals), early).decision).toBe('promote');
    // Not after the first few minutes: the same canary has not shown enough yet.
    expect(verdict(run(early, intervals.slice(0, 2)), early).decision).toBe('continue');
  });

  it('grows the evidence with the canary failure count, everything else equal', () => {
    const eValues = [0, 2, 4, 6, 8, 12].map((canaryEvents) => verdict(run(single, [{ canaryRequests: 600, primaryRequests: 5400, canaryEvents, primaryEvents: 30 }]), single).metrics[0].eValue);
    for (let i = 1; i < eValues.length; i++) expect(eValues[i]).toBeGreaterThan(eValues[i - 1]);
  });

  it('rolls back a canary that turns bad mid-run within four intervals of the change', () => {
    // 2,000 canary and 6,000 primary requests an interval; 25 of 100 failures on the canary is an identical canary, 45 fails 2.5× as often.
    const interval = (canaryEvents: number) => ({ canaryRequests: 2000, primaryRequests: 6000, canaryEvents, primaryEvents: 100 - canaryEvents });
    let state = [25, 25, 25, 25].map(interval).reduce((s, counts) => update(s, { metrics: { 'request-success-rate': counts } }), initialState(single));
    const decisions: string[] = [];
    for (let i = 0; i < 4; i++) {
      state = update(state, { metrics: { 'request-success-rate': interval(45) } });
      decisions.push(verdict(state, single).decision);
    }
    expect(decisions).toEqual(['continue', 'continue', 'continue', 'rollback']);
  });

  it('is not moved by a common-mode incident: both sides failing five times more', () => {
    const calm = [minute(20, 0.005, 1), minute(30, 0.005, 1)];
    const incident = [minute(20, 0.025, 1), minute(30, 0.025, 1)];
    const judged = verdict(run(single, [...calm, ...incident]), single);
    expect(judged.decision).toBe('continue');
    expect(judged.metrics[0].estimate).toBeCloseTo(1, 1);
  });

  it('uses the observed share, not the weight asked for: the same failures on more canary requests are no evidence', () => {
    // 10 % asked, 50 % served: 30 of 60 failures on the canary is what an identical canary gives.
    const judged = verdict(run(single, [{ canaryRequests: 3000, primaryRequests: 3000, canaryEvents: 30, primaryEvents: 30 }]), single);
    expect(judged.metrics[0].estimate).toBeCloseTo(1, 5);
  });
});

describe('several metrics', () => {
  const both: JudgeConfig = {
    metrics: [
      { name: 'request-success-rate', kind: 'failures' },
      { name: 'request-duration', kind: 'latency', boundaryMs: 300 },
    ],
  };

  function judgedBoth(failures: IntervalCounts[], slow: IntervalCounts[]) {
    let state = initialState(both);
    failures.forEach((counts, i) => {
      state = update(state, { metrics: { 'request-success-rate': counts, 'request-duration': slow[i] } });
    });
    return verdict(state, both);
  }

  it('averages the e-values with equal weights: one metric alone needs twice the bar', () => {
    const quiet = { canaryRequests: 600, primaryRequests: 5400, canaryEvents: 0, primaryEvents: 0 };
    // 12 of 42 failures on a 10 % canary: an e-value of about 25, past 20 but short of 40.
    const past20 = verdict(run(single, [{ canaryRequests: 600, primaryRequests: 5400, canaryEvents: 12, primaryEvents: 30 }]), single);
    expect(past20.decision).toBe('rollback');
    const judged = judgedBoth([{ canaryRequests: 600, primaryRequests: 5400, canaryEvents: 12, primaryEvents: 30 }], [quiet]);
    expect(judged.metrics.map((m) => m.bar)).toEqual([40, 40]);
    expect(judged.metrics[0].eValue).toBeCloseTo(past20.metrics[0].eValue, 10);
    expect(judged.eValue / ((judged.metrics[0].eValue + judged.metrics[1].eValue) / 2)).toBeCloseTo(1, 12);
    expect(judged.decision).toBe('continue');
    // Five times as many failures leaves no doubt, whatever the other metric says.
    expect(judgedBoth([minute(10, 0.01, 5), minute(20, 0.01, 5)], [quiet, quiet]).decision).toBe('rollback');
  });

  it('does not promote while one metric is still undecided, even when the other is clearly fine', () => {
    const early: JudgeConfig = { ...both, earlyPromotion: true };
    let state = initialState(early);
    for (let i = 0; i < 30; i++) {
      state = update(state, { metrics: { 'request-success-rate': minute(50, 0.02, 0.9), 'request-duration': { canaryRequests: 3000, primaryRequests: 3000, canaryEvents: 0, primaryEvents: 0 } } });
    }
    const judged = verdict(state, early);
    expect(judged.metrics.map((m) => m.outcome)).toEqual(['no-worse', 'no-data']);
    expect(judged.decision).toBe('continue');
  });

  it('weighs metrics as configured', () => {
    const weighted: JudgeConfig = { metrics: [{ ...both.metrics[0], weight: 3 }, { ...both.metrics[1], weight: 1 }] };
    const state = initialState(weighted);
    expect(verdict(state, weighted).metrics.map((m) => m.weight)).toEqual([0.75, 0.25]);
  });
});
