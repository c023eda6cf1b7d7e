import { initialState, JudgeInputError, parseJudgeState, stateMismatches, update, verdict } from '../../../../src/engine/judge/index.ts';
import type { JudgeConfig, JudgeState } from '../../../../src/engine/judge/index.ts';

const config: JudgeConfig = {
  metrics: [
    { name: 'request-success-rate', kind: 'failures', maxIncrease: 0.2 },
    { name: 'request-duration', kind: 'latency', maxIncrease: 0.2, boundaryMs: 300 },
  ],
};

const someFailures = { canaryRequests: 600, primaryRequests: 5400, canaryEvents: 7, primaryEvents: 30 };
const someSlow = { canaryRequests: 600, primaryRequests: 5400, canaryEvents: 2, primaryEvents: 25 };

function afterIntervals(count: number): JudgeState {
  let state = initialState(config);
  for (let i = 0; i < count; i++) state = update(state, { metrics: { 'request-success-rate': someFailures, 'request-duration': someSlow } });
  return state;
}

describe('the judge state', () => {
  it('survives a round trip through JSON, as it does through the Canary status, with the same verdict', () => {
    const state = afterIntervals(3);
    const restored = parseJudgeState(JSON.parse(JSON.stringify(state)));
    expect(restored).toEqual(state);
    expect(verdict(restored, config)).toEqual(verdict(state, config));
    const next = { metrics: { 'request-success-rate': someFailures } };
    expect(update(restored, next)).toEqual(update(state, next));
  });

  it('keeps the same size however long the run', () => {
    const size = (state: JudgeState) => JSON.stringify(state).length;
    expect(size(afterIntervals(500))).toBeLessThan(size(afterIntervals(5)) * 1.2);
    expect(size(afterIntervals(500))).toBeLessThan(8_000);
  });

  it('is not changed in place by an update', () => {
    const state = afterIntervals(1);
    const copy = JSON.parse(JSON.stringify(state));
    update(state, { metrics: { 'request-success-rate': someFailures } });
    expect(state).toEqual(copy);
  });

  it('reads a damaged stored state as an error naming the field', () => {
    const stored = JSON.parse(JSON.stringify(afterIntervals(1)));
    stored.metrics[1].logLikelihood = stored.metrics[1].logLikelihood.slice(3);
    expect(() => parseJudgeState(stored)).toThrow('judge.metrics[1].logLikelihood: "158 entries" must be 161 finite numbers');
    expect(() => parseJudgeState({ version: 7, metrics: [] })).toThrow('judge.version: 7 must be 1');
    expect(() => parseJudgeState('{not json')).toThrow(JudgeInputError);
  });

  it('names what no longer fits when the configuration changed during the run', () => {
    const changed: JudgeConfig = { metrics: [{ name: 'request-success-rate', kind: 'failures', maxIncrease: 0.5 }] };
    expect(stateMismatches(afterIntervals(1), changed)).toEqual(['request-success-rate tolerated 1.2×, now 1.5×', 'request-duration is no longer compared']);
    expect(stateMismatches(afterIntervals(1), config)).toEqual([]);
    expect(() => verdict(afterIntervals(1), changed)).toThrow('start from initialState');
  });
});

describe('no data is never evidence', () => {
  const noEvidence: [string, Record<string, typeof someFailures | undefined>][] = [
    ['no counts at all', {}],
    ['a metric without data', { 'request-success-rate': undefined }],
    ['no requests on either side', { 'request-success-rate': { canaryRequests: 0, primaryRequests: 0, canaryEvents: 0, primaryEvents: 0 } }],
    ['no canary requests', { 'request-success-rate': { canaryRequests: 0, primaryRequests: 6000, canaryEvents: 0, primaryEvents: 40 } }],
    ['requests but nothing failed', { 'request-success-rate': { canaryRequests: 6000, primaryRequests: 6000, canaryEvents: 0, primaryEvents: 0 } }],
  ];

  it.each(noEvidence)('%s leaves the evidence and the verdict as they were', (_label, metrics) => {
    const before = afterIntervals(2);
    const after = update(before, { metrics });
    expect(after.metrics.map((m) => m.logLikelihood)).toEqual(before.metrics.map((m) => m.logLikelihood));
    const { metrics: evidenceBefore, ...restBefore } = verdict(before, config);
    const { metrics: evidenceAfter, ...restAfter } = verdict(after, config);
    expect(restAfter).toEqual(restBefore);
    expect(evidenceAfter.map((m) => [m.eValue, m.promotionEValue, m.lower, m.upper, m.estimate])).toEqual(evidenceBefore.map((m) => [m.eValue, m.promotionEValue, m.lower, m.upper, m.estimate]));
  });

  it('can never promote, even early and after hours of healthy-looking traffic without failures', () => {
    const early: JudgeConfig = { ...config, earlyPromotion: true };
    let state = initialState(early);
    const perfect = { canaryRequests: 30_000, primaryRequests: 30_000, canaryEvents: 0, primaryEvents: 0 };
    for (let i = 0; i < 1000; i++) state = update(state, { metrics: { 'request-success-rate': perfect, 'request-duration': perfect } });
    const judged = verdict(state, early);
    expect(judged.decision).toBe('continue');
    expect(judged.noWorse).toBe(false);
    expect(judged.metrics.map((m) => m.outcome)).toEqual(['no-data', 'no-data']);
  });

  it('refuses impossible counts with the field, the value and the rule', () => {
    const state = initialState(config);
    expect(() => update(state, { metrics: { 'request-success-rate': { ...someFailures, canaryEvents: 601 } } }))
      .toThrow('observation.metrics.request-success-rate.canaryEvents: 601 must be at most canaryRequests (600)');
    expect(() => update(state, { metrics: { 'request-success-rate': { ...someFailures, primaryRequests: Number.NaN } } }))
      .toThrow('observation.metrics.request-success-rate.primaryRequests: NaN must be a finite number at least 0');
    expect(() => update(state, { metrics: { 'error-rate': someFailures } })).toThrow('observation.metrics.error-rate: "error-rate" is not a judged metric');
  });
});
