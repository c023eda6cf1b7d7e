import { maxWeightOf, nextCanaryWeight, nextPromotionWeights, strategyOf, weightSequence } from '../../../src/engine/strategy.ts';
import { judgeMetric, thresholdsOf } from '../../../src/engine/judge.ts';
import { isWorkloadReady } from '../../../src/engine/readiness.ts';
import { classifyRevision } from '../../../src/engine/revision.ts';
import { isInRolloutWindow, validateRolloutWindow } from '../../../src/engine/rollout-window.ts';
import { readyWorkload } from './world.ts';

describe('strategy', () => {
  test('strategy kind follows Flagger: iterations+match is A/B, iterations alone blue/green', () => {
    expect(strategyOf({ stepWeight: 10 })).toBe('canary');
    expect(strategyOf({ iterations: 3 })).toBe('blue-green');
    expect(strategyOf({ iterations: 3, match: [{ headers: { x: { exact: 'y' } } }] })).toBe('ab-testing');
    expect(strategyOf({ match: [{ headers: { x: { exact: 'y' } } }], stepWeight: 5 })).toBe('canary');
  });

  test("stepWeight sequences end with the step that reaches maxWeight, taken whole, as in Flagger", () => {
    expect(weightSequence({ stepWeight: 10, maxWeight: 30 })).toEqual([0, 10, 20, 30]);
    // Flagger's documented example: stepWeight 20, maxWeight 50 runs 20, 40, 60 then promotes.
    expect(weightSequence({ stepWeight: 20, maxWeight: 50 })).toEqual([0, 20, 40, 60]);
    expect(weightSequence({ stepWeight: 30, maxWeight: 50 })).toEqual([0, 30, 60]);
    expect(weightSequence({ stepWeight: 40, maxWeight: 90 })).toEqual([0, 40, 80, 100]);
    expect(weightSequence({ stepWeight: 25 })).toEqual([0, 25, 50, 75, 100]);
    expect(weightSequence({ stepWeight: 100 })).toEqual([0, 100]);
  });

  test('stepWeights are followed in order; the last entry is the max and maxWeight is ignored, as in Flagger', () => {
    expect(weightSequence({ stepWeights: [1, 2, 10, 80] })).toEqual([0, 1, 2, 10, 80]);
    expect(maxWeightOf({ stepWeights: [5, 50] })).toBe(50);
    // Flagger's own test-steps Canary: maxWeight 50 beside stepWeights up to 60.
    expect(weightSequence({ stepWeights: [10, 20, 30, 40, 50, 60], maxWeight: 50 })).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(nextCanaryWeight({ stepWeights: [5, 20, 60] }, 7)).toBe(20);
    expect(nextCanaryWeight({ stepWeights: [5, 20, 60] }, 60)).toBe(100);
  });

  test('promotion steps move the primary up by stepWeightPromotion, or all at once', () => {
    expect(nextPromotionWeights({}, 50)).toEqual({ canary: 0, primary: 100 });
    expect(nextPromotionWeights({ stepWeightPromotion: 20 }, 50)).toEqual({ canary: 30, primary: 70 });
    expect(nextPromotionWeights({ stepWeightPromotion: 20 }, 10)).toEqual({ canary: 0, primary: 100 });
  });
});

describe('judge', () => {
  test('success rate below min and duration above max fail; inside passes with a readable explanation', () => {
    const rate = { name: 'request-success-rate', thresholdRange: { min: 99 } };
    const latency = { name: 'request-duration', thresholdRange: { max: 500 } };
    expect(judgeMetric(rate, { name: rate.name, result: 'value', value: 99.8 })).toMatchObject({ verdict: 'pass', explanation: 'request-success-rate 99.8% ≥ 99%' });
    // The bound carries the value's unit, and values are rounded as people read them.
    expect(judgeMetric(rate, { name: rate.name, result: 'value', value: 100 * (8 / 23) })).toMatchObject({ verdict: 'fail', explanation: 'request-success-rate 34.78% < 99%' });
    expect(judgeMetric(latency, { name: latency.name, result: 'value', value: 120 }).explanation).toBe('request-duration 120ms ≤ 500ms');
    expect(judgeMetric(latency, { name: latency.name, result: 'value', value: 612.456 })).toMatchObject({ verdict: 'fail', explanation: 'request-duration 612.46ms > 500ms' });
    expect(judgeMetric({ name: 'error-budget', thresholdRange: { max: 0.5 } }, { name: 'error-budget', result: 'value', value: 2 / 3 }).explanation).toBe('error-budget 0.67 > 0.5');
  });

  test('boundaries are inclusive', () => {
    const metric = { name: 'custom', thresholdRange: { min: 1, max: 2 } };
    expect(judgeMetric(metric, { name: 'custom', result: 'value', value: 1 }).verdict).toBe('pass');
    expect(judgeMetric(metric, { name: 'custom', result: 'value', value: 2 }).verdict).toBe('pass');
  });

  test('no data, NaN, errors and missing measurements are never a pass', () => {
    const metric = { name: 'request-success-rate', thresholdRange: { min: 99 } };
    expect(judgeMetric(metric, { name: metric.name, result: 'no-data', reason: 'zero requests' }).verdict).toBe('no-data');
    expect(judgeMetric(metric, { name: metric.name, result: 'value', value: Number.NaN }).verdict).toBe('no-data');
    expect(judgeMetric(metric, { name: metric.name, result: 'error', reason: 'down', errorReason: 'ProviderUnreachable' }).verdict).toBe('error');
    expect(judgeMetric(metric, undefined).verdict).toBe('error');
  });

  test("Flagger's deprecated threshold reads as min for success rate, max otherwise", () => {
    expect(thresholdsOf({ name: 'request-success-rate', threshold: 99 })).toEqual({ min: 99 });
    expect(thresholdsOf({ name: 'request-duration', threshold: 500 })).toEqual({ max: 500 });
  });
});

describe('readiness', () => {
  test('a finished rollout with enough available replicas is ready', () => {
    expect(isWorkloadReady(readyWorkload(4), 100)).toBe(true);
    expect(isWorkloadReady({ ...readyWorkload(4), availableReplicas: 3 }, 100)).toBe(false);
    expect(isWorkloadReady({ ...readyWorkload(4), availableReplicas: 3 }, 75)).toBe(true);
    expect(isWorkloadReady({ ...readyWorkload(4), replicas: 5 }, 100)).toBe(false);
    expect(isWorkloadReady({ ...readyWorkload(4), updatedReplicas: 3 }, 0)).toBe(false);
    expect(isWorkloadReady({ ...readyWorkload(4), observedGenerationCurrent: false }, 100)).toBe(false);
    expect(isWorkloadReady({ ...readyWorkload(4), exists: false }, 100)).toBe(false);
    expect(isWorkloadReady(undefined, 100)).toBe(false);
  });
});

describe('revision', () => {
  test('unchanged, new, and a revert to the promoted revision are told apart', () => {
    const status = { lastAppliedSpec: 'b', lastPromotedSpec: 'a' };
    expect(classifyRevision(status, 'b')).toBe('unchanged');
    expect(classifyRevision(status, 'a')).toBe('reverted-to-promoted');
    expect(classifyRevision(status, 'c')).toBe('new');
  });
});

describe('rollout window', () => {
  const weekdaysOfficeHours = { schedules: ['* 9-16 * * 1-5'] };
  test('matches the current minute against the schedules, in UTC by default', () => {
    expect(isInRolloutWindow(undefined, 0)).toBe(true);
    expect(isInRolloutWindow(weekdaysOfficeHours, Date.parse('2026-03-02T10:00:00Z'))).toBe(true); // Monday
    expect(isInRolloutWindow(weekdaysOfficeHours, Date.parse('2026-03-02T17:00:00Z'))).toBe(false);
    expect(isInRolloutWindow(weekdaysOfficeHours, Date.parse('2026-03-01T10:00:00Z'))).toBe(false); // Sunday
    expect(isInRolloutWindow({ schedules: ['0 0 * * *', '*/15 * * * *'] }, Date.parse('2026-03-01T10:45:00Z'))).toBe(true);
  });

  test('honours the time zone', () => {
    const window = { schedules: ['* 9 * * *'], timezone: 'Europe/Paris' };
    expect(isInRolloutWindow(window, Date.parse('2026-03-02T08:30:00Z'))).toBe(true);
    expect(isInRolloutWindow(window, Date.parse('2026-03-02T09:30:00Z'))).toBe(false);
  });

  test('invalid expressions and zones are reported for the Ready condition', () => {
    expect(validateRolloutWindow({ schedules: ['* * * * *'] })).toEqual([]);
    expect(validateRolloutWindow({ schedules: ['nope'], timezone: 'Mars/Olympus' })).toHaveLength(2);
  });
});
