import type { CanaryAnalysis, CanaryMetric } from '../../../src/api/canary.ts';
import type { ComparisonObservation } from '../../../src/engine/observation.ts';
import { MINUTE, World, makeCanary, startedWorld } from './world.ts';
import { trafficOf } from './world-traffic.ts';

/**
 * The judge in whole runs on the scheduler and a fake clock: a metric with `compare` is counted on the
 * canary and on the primary over each interval, and the run is decided on the ratio of their failure
 * rates — not on a fixed bound. What a person sees is asserted: the phase, the weights, the Events'
 * words and the evidence in the status.
 */

const compared: CanaryMetric = { name: 'request-success-rate', compare: { maxIncrease: '20%', confidence: '95%' } };
const guardRail: CanaryMetric = { name: 'request-success-rate', thresholdRange: { min: 99 }, compare: { maxIncrease: '20%' } };

function analysis(overrides: Partial<CanaryAnalysis> = {}): Partial<CanaryAnalysis> {
  return { interval: '1m', threshold: 2, stepWeight: 10, maxWeight: 50, metrics: [compared], ...overrides };
}

async function shipped(overrides: Partial<CanaryAnalysis> = {}, setup: (world: World) => void = () => {}): Promise<World> {
  const world = await startedWorld(makeCanary(analysis(overrides)));
  setup(world);
  world.newRevision('rev-2');
  return world;
}

const finished = (world: World) => ['Succeeded', 'Failed'].includes(world.phase);

test('a subtle regression the threshold passes (primary 0.3 %, canary 0.9 %) is rolled back by the judge, in words', async () => {
  const world = await shipped({ metrics: [guardRail] }, (w) => {
    w.comparisons = trafficOf({ rps: 100, primary: 0.003, canary: 0.009 });
    // What the threshold sees: the canary's own success rate, 99.1 % — above the bound of 99.
    w.metrics = (name) => ({ name, result: 'value', value: 99.1 });
  });
  await world.advanceUntil(finished);

  expect(world.phase).toBe('Failed');
  expect(world.status.failureReason).toBe('CanaryWorseThanPrimary');
  expect(world.status.conditions?.find((c) => c.type === 'Promoted')?.message).toBe(
    'The judge found the canary failing more often than the primary, beyond the tolerated increase; the primary was kept.',
  );
  expect(world.status.failedChecks ?? 0).toBe(0);
  // Rolled back before the last step, at once: no threshold of failed checks to wait for.
  expect(Math.max(...world.weightHistory)).toBeLessThan(50);
  const rollback = world.events.find((e) => e.reason === 'CanaryWorseThanPrimary');
  expect(rollback?.eventType).toBe('Warning');
  expect(rollback?.message).toMatch(/^Rolling back podinfo\.test: canary fails \d+(\.\d)?× as often as primary \(95 %: \d+(\.\d)?–\d+(\.\d)?×\), tolerated 1\.2×$/);
  const alert = world.notifications.find((n) => n.kind === 'rollback');
  expect(alert?.message).toBe(rollback?.message);
  // The evidence stays in the status for people: the ratio's interval lies above the tolerated 1.2×.
  const evidence = world.status.lastAnalysis?.find((a) => a.metric === 'request-success-rate')?.comparison;
  expect(evidence).toMatchObject({ against: 'primary', tolerated: 1.2, outcome: 'worse' });
  expect(evidence?.lower).toBeGreaterThanOrEqual(1.2);
  expect(evidence?.eValue).toBeGreaterThanOrEqual(evidence?.bar ?? Infinity);
  expect(world.status.judge).toMatchObject({ decision: 'rollback', bar: 20, confidence: 0.95 });
  // The run's timeline keeps each step's interval, held to the tolerated ratio, for the dashboard's chart.
  const intervals = (world.status.run?.entries ?? []).flatMap((entry) => entry.metrics ?? []).flatMap((metric) => (metric.interval ? [metric.interval] : []));
  expect(intervals.length).toBeGreaterThan(0);
  for (const interval of intervals) {
    expect(interval.bar).toBe(1.2);
    expect(interval.lower).toBeLessThanOrEqual(interval.estimate);
    expect(interval.upper).toBeGreaterThanOrEqual(interval.estimate);
  }
});

test('a shared incident (both sides failing 1.5 %) rolls back under thresholds and is promoted by the judge', async () => {
  const incident = { rps: 100, primary: 0.015, canary: 0.015 };
  const thresholds = await shipped({ metrics: [{ name: 'request-success-rate', thresholdRange: { min: 99 } }] }, (w) => {
    w.metrics = (name) => ({ name, result: 'value', value: 98.5 });
  });
  await thresholds.advanceUntil(finished);
  expect(thresholds.phase).toBe('Failed');
  expect(thresholds.status.failureReason).toBe('FailedChecks');

  const judged = await shipped({}, (w) => (w.comparisons = trafficOf(incident)));
  await judged.advanceUntil(finished);
  expect(judged.phase).toBe('Succeeded');
  expect(judged.weightHistory).toEqual([0, 10, 20, 30, 40, 50, 0]);
  const promoting = judged.eventLines().find((line) => line.startsWith('Promoting: Copying'));
  expect(promoting).toMatch(/canary fails [\d.]+× as often as primary/);
});

test('each judged interval starts where the last one ended: no request counted twice or missed', async () => {
  const world = await shipped({}, (w) => (w.comparisons = trafficOf({ rps: 100, primary: 0.01, canary: 0.01 })));
  await world.advanceUntil(finished);
  const windows = world.comparisonRequests.map((c) => c.request);
  expect(windows.length).toBeGreaterThanOrEqual(5);
  windows.slice(1).forEach((window, i) => expect(window.from).toBe(windows[i].to));
  for (const window of windows) expect(window).toMatchObject({ against: 'primary', kind: 'failures' });
  expect(windows[0].to - windows[0].from).toBe(MINUTE);
});

test('no traffic on the canary is a failed check, never evidence of health; an idle primary is no comparison', async () => {
  const idleCanary = await shipped({}, (w) => {
    w.comparisons = () => ({ result: 'counts', counts: { canaryRequests: 0, primaryRequests: 6000, canaryEvents: 0, primaryEvents: 30 } });
  });
  await idleCanary.advanceUntil(finished);
  expect(idleCanary.phase).toBe('Failed');
  expect(idleCanary.status.failureReason).toBe('FailedChecks');
  expect(idleCanary.eventLines()).toEqual(expect.arrayContaining([expect.stringMatching(/^NoTraffic: .*request-success-rate: the canary served no requests in the interval \(failed checks 1\/2\)/)]));

  const idlePrimary = await shipped({}, (w) => {
    w.comparisons = () => ({ result: 'counts', counts: { canaryRequests: 600, primaryRequests: 0, canaryEvents: 6, primaryEvents: 0 } });
  });
  await idlePrimary.advanceUntil(finished);
  // Nothing could be compared, so nothing was shown either way; the guard rails (none here) decide.
  expect(idlePrimary.phase).toBe('Succeeded');
  expect(idlePrimary.status.judge?.message).toMatch(/nothing to compare yet: canary 3,000 requests, primary 0/);
  expect(idlePrimary.status.lastAnalysis?.[0].comparison?.outcome).toBe('no-data');
});

test('a provider error on a compared metric counts as a failed check with its reason', async () => {
  const world = await shipped({}, (w) => {
    w.comparisons = (): ComparisonObservation => ({ result: 'error', reason: 'Prometheus http://prom:9090 timed out', errorReason: 'ProviderUnreachable' });
  });
  await world.advanceUntil(finished);
  expect(world.phase).toBe('Failed');
  expect(world.eventLines()).toEqual(expect.arrayContaining([expect.stringMatching(/^FailedCheck: .*request-success-rate could not be compared: Prometheus http:\/\/prom:9090 timed out \(failed checks 1\/2\)/)]));
});

test('a controller restart mid-run keeps the accumulated evidence: the run ends as an uninterrupted one', async () => {
  const plan = { rps: 100, primary: 0.004, canary: 0.006, seed: 11 };
  const uninterrupted = await shipped({ maxWeight: 90 }, (w) => (w.comparisons = trafficOf(plan)));
  await uninterrupted.advanceUntil(finished);

  const before = await shipped({ maxWeight: 90 }, (w) => (w.comparisons = trafficOf(plan)));
  await before.advanceUntil((w) => w.comparisonRequests.length === 3);
  const evidence = before.status.judge?.state?.metrics[0];
  expect(evidence?.informativeIntervals).toBe(3);
  // A new controller: nothing but the Canary (its status) carries over.
  const after = new World(structuredClone(before.canary));
  after.clock.advance(before.now - after.now);
  Object.assign(after, { primary: before.primary, target: before.target, weights: before.weights, revision: before.revision, primaryRevision: before.primaryRevision, weightHistory: [...before.weightHistory] });
  after.comparisons = before.comparisons;
  after.start();
  await after.advanceUntil(finished);

  expect(after.status.judge?.state?.metrics[0].intervals).toBe(uninterrupted.status.judge?.state?.metrics[0].intervals);
  expect(after.status.judge?.eValue).toBeCloseTo(uninterrupted.status.judge?.eValue ?? NaN, 10);
  expect(after.phase).toBe(uninterrupted.phase);
  expect(after.weightHistory).toEqual(uninterrupted.weightHistory);
});

test('with analysis.judge.interval the judge looks every 10 s between steps and rolls a bad canary back before the next step', async () => {
  const world = await shipped({ judge: { interval: '10s' } }, (w) => (w.comparisons = trafficOf({ rps: 200, primary: 0.005, canary: 0.1 })));
  await world.advanceUntil(finished);
  expect(world.phase).toBe('Failed');
  expect(world.status.failureReason).toBe('CanaryWorseThanPrimary');
  expect(world.weightHistory).toEqual([0, 10, 0]);
  const windows = world.comparisonRequests.map((c) => c.request.to - c.request.from);
  expect(windows.every((ms) => ms === 10_000)).toBe(true);
  // Rolled back within the first minute at weight 10, not at the next step.
  const rolledBackAt = Date.parse(world.status.lastTransitionTime ?? '');
  const advancedAt = world.steps.find((s) => s.decision.actions.some((a) => a.type === 'setWeights' && a.weights.canary === 10))?.observation.now ?? NaN;
  expect(rolledBackAt - advancedAt).toBeLessThan(MINUTE);
});

test('a warm-up keeps the canary’s first minutes out of the comparison', async () => {
  // The canary is slow to start: it fails 10× as often for its first two and a half minutes.
  const run = async (judge: CanaryAnalysis['judge']) => {
    let warmupEnds = Infinity;
    const world = await shipped({ judge }, (w) => (w.comparisons = trafficOf((at) => ({ rps: 200, primary: 0.005, canary: at <= warmupEnds ? 0.05 : 0.005 }))));
    warmupEnds = world.now + 2.5 * MINUTE;
    await world.advanceUntil(finished);
    return world;
  };
  const without = await run(undefined);
  expect(without.status.failureReason).toBe('CanaryWorseThanPrimary');

  const world = await run({ warmup: '3m' });
  expect(world.phase).toBe('Succeeded');
  // The first judged interval begins where the warm-up ends: three minutes after the canary got traffic.
  const startTime = Date.parse(world.status.judge?.startTime ?? '');
  expect(world.comparisonRequests[0].request.from).toBe(startTime + 3 * MINUTE);
  expect(world.steps.some((s) => /^warming up: the canary's traffic is compared with the primary's from /.test(s.decision.status.judge?.message ?? ''))).toBe(true);
});

test('early promotion: a canary shown no worse than the primary is promoted before the last step', async () => {
  const world = await shipped({ maxWeight: 50, judge: { earlyPromotion: true } }, (w) => (w.comparisons = trafficOf({ rps: 2000, primary: 0.02, canary: 0.016 })));
  await world.advanceUntil(finished);
  expect(world.phase).toBe('Succeeded');
  expect(Math.max(...world.weightHistory)).toBeLessThan(50);
  expect(world.eventLines()).toEqual(expect.arrayContaining([expect.stringMatching(/^Promoting: .*no worse than primary, promoting/)]));
});

test('a changed maxIncrease mid-run starts that metric’s evidence afresh and says so', async () => {
  const world = await shipped({ maxWeight: 90 }, (w) => (w.comparisons = trafficOf({ rps: 100, primary: 0.01, canary: 0.01 })));
  await world.advanceUntil((w) => w.comparisonRequests.length === 2);
  world.editSpec((spec) => (spec.analysis.metrics = [{ ...compared, compare: { maxIncrease: '50%' } }]));
  await world.advanceUntil((w) => w.comparisonRequests.length === 3);
  expect(world.eventLines()).toEqual(expect.arrayContaining(['JudgeEvidenceReset: request-success-rate of podinfo.test: compared differently since the spec changed; its evidence starts afresh']));
  expect(world.status.judge?.state?.metrics[0]).toMatchObject({ tolerated: 1.5, intervals: 1 });
});

test('latency: the slow-request boundary comes from the primary’s histogram before the run; a slower canary is rolled back', async () => {
  const bounds = [100, 250, 500, Infinity];
  // Cumulative buckets of `requests` of which `slow` are above 250 ms and 0.5 % above 100 ms only.
  const histogram = (requests: number, slow: number) => ({
    buckets: [
      { le: 100, count: requests - slow - Math.round(requests * 0.1) },
      { le: 250, count: requests - slow },
      { le: 500, count: requests },
      { le: Infinity, count: requests },
    ].map((b, i) => ({ ...b, le: bounds[i] })),
    count: requests,
  });
  const totals = { canary: { requests: 0, slow: 0 }, reference: { requests: 0, slow: 0 } };
  const world = await shipped({ metrics: [{ name: 'request-duration', compare: { maxIncrease: '20%' } }] }, (w) => {
    w.comparisons = (_name, request) => {
      const before = { canary: { ...totals.canary }, reference: { ...totals.reference } };
      totals.canary.requests += 1000;
      totals.canary.slow += 18;
      totals.reference.requests += 5000;
      totals.reference.slow += 50;
      return {
        result: 'histograms',
        canary: { before: histogram(before.canary.requests, before.canary.slow), after: histogram(totals.canary.requests, totals.canary.slow) },
        reference: { before: histogram(before.reference.requests, before.reference.slow), after: histogram(totals.reference.requests, totals.reference.slow) },
        ...(request.boundaryWindow ? { boundaryWindow: histogram(100_000, 800) } : {}),
      };
    };
  });
  await world.advanceUntil(finished);
  expect(world.comparisonRequests[0].request).toMatchObject({ kind: 'latency', boundaryWindow: { to: Date.parse(world.status.runStartTime ?? '') } });
  // Chosen once, kept in the status with the evidence: later intervals do not ask again.
  expect(world.comparisonRequests.length).toBeGreaterThan(1);
  expect(world.comparisonRequests.slice(1).map((c) => c.request.boundaryWindow)).toEqual(world.comparisonRequests.slice(1).map(() => undefined));
  expect(world.phase).toBe('Failed');
  expect(world.status.judge?.state?.metrics[0].boundaryMs).toBe(250);
  expect(world.events.find((e) => e.reason === 'CanaryWorseThanPrimary')?.message).toMatch(/canary is slower than 250 ms [\d.]+× as often as primary/);
});
