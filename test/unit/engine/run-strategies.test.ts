import { MINUTE, makeCanary, quickAnalysis, startedWorld, type World } from './world.ts';

/**
 * Whole runs on the scheduler and a fake clock: a new revision ships, the clock moves, and the test
 * reads what a person would see (weights over time, phases, events, where the primary is). These were
 * integration tests waiting on 300 ms wall-clock ticks; what needs the API server stayed there.
 */

const healthy = (world: World) => {
  world.metrics = (name) => ({ name, result: 'value', value: name === 'request-duration' ? 120 : 99.9 });
};

/** A started, initialized World under `analysis` with healthy metrics, shipped revision rev-2. */
async function shipped(analysis = quickAnalysis(), spec: Parameters<typeof makeCanary>[1] = {}): Promise<World> {
  const world = await startedWorld(makeCanary(analysis, spec));
  healthy(world);
  world.newRevision('rev-2');
  return world;
}

test('stepWeights walk the listed weights in order, then promote', async () => {
  const world = await shipped(quickAnalysis({ stepWeight: undefined, maxWeight: undefined, stepWeights: [10, 30, 50] }));
  await world.advance(10 * MINUTE);
  expect(world.phase).toBe('Succeeded');
  expect(world.weightHistory).toEqual([0, 10, 30, 50, 0]);
  expect(world.primaryRevision).toBe('rev-2');
  expect(world.eventLines()).toEqual(expect.arrayContaining([expect.stringMatching(/^Advance: .*canary weight 10 → 30/), expect.stringMatching(/^Advance: .*canary weight 30 → 50/)]));
});

test('stepWeightPromotion hands traffic back to the primary in steps after promotion', async () => {
  const world = await shipped(quickAnalysis({ stepWeight: 30, maxWeight: 60, stepWeightPromotion: 25 }));
  await world.advance(10 * MINUTE);
  // 60 → 35 → 10 → 0: the canary's share shrinks by the promotion step each interval.
  expect(world.weightHistory).toEqual([0, 30, 60, 35, 10, 0]);
  expect(world.primaryRevision).toBe('rev-2');
  expect(world.eventLines()).toEqual(expect.arrayContaining([expect.stringMatching(/^Promoting: .*primary weight 40 → 65/), expect.stringMatching(/^Promoting: .*primary weight 65 → 90/)]));
  // The primary runs the new revision before it takes traffic back.
  expect(world.phaseHistory).toEqual(['Initializing', 'Initialized', 'Progressing', 'Promoting', 'Finalising', 'Succeeded']);
});

test('blue/green counts its iterations, then switches everyone to the canary while the primary is promoted', async () => {
  const world = await shipped(quickAnalysis({ stepWeight: undefined, maxWeight: undefined, iterations: 3 }));
  await world.advance(10 * MINUTE);
  expect(world.phase).toBe('Succeeded');
  expect(Math.max(...world.steps.map((s) => s.decision.status.iterations ?? 0))).toBe(3);
  const events = world.eventLines();
  for (const n of [1, 2, 3]) expect(events.some((e) => e.startsWith('Advance: ') && e.includes(`iteration ${n}/3`))).toBe(true);
  expect(events.some((e) => e.includes('iteration 4/3'))).toBe(false);
  // Never a partial weight: all on the canary while the primary rolls out the new spec, then all back.
  expect(world.weightHistory).toEqual([0, 100, 0]);
  expect(events.some((e) => /^Promoting: Routing all traffic to .*canary/.test(e))).toBe(true);
  expect(world.primaryRevision).toBe('rev-2');
});

test('no traffic is a failed check with reason NoTraffic, never a pass', async () => {
  const world = await shipped();
  world.metrics = (name) => ({ name, result: 'no-data', reason: 'zero requests' });
  await world.advance(10 * MINUTE);
  expect(world.phase).toBe('Failed');
  // As in Flagger, the first step opens traffic before any check can see it; no-data checks then stop it there.
  expect(world.weightHistory).toEqual([0, 20, 0]);
  expect(world.eventLines().some((e) => e.startsWith('NoTraffic: ') && /no traffic/.test(e))).toBe(true);
});

test('a canary that never becomes ready is rolled back at the progress deadline', async () => {
  const world = await startedWorld(makeCanary(quickAnalysis(), { progressDeadlineSeconds: 1 }));
  world.canaryReadyOnScaleUp = false;
  world.newRevision('rev-2');
  await world.advance(5 * MINUTE);
  expect(world.phase).toBe('Failed');
  expect(world.status.failureReason).toBe('ProgressDeadlineExceeded');
  expect(world.weightHistory).toEqual([0]);
  expect(world.primaryRevision).toBe('rev-1');
  expect(world.target.desiredReplicas).toBe(0);
  expect(world.eventLines().some((e) => /^ProgressDeadlineExceeded: .*not ready after 1s/.test(e))).toBe(true);
});

test('skipAnalysis promotes a new revision without stepping the weight', async () => {
  const world = await shipped(quickAnalysis(), { skipAnalysis: true });
  await world.advance(5 * MINUTE);
  expect(world.phase).toBe('Succeeded');
  expect(world.weightHistory).toEqual([0]);
  expect(world.primaryRevision).toBe('rev-2');
  expect(world.target.desiredReplicas).toBe(0);
  expect(world.eventLines().some((e) => /^Promoting: .*without analysis: skipAnalysis is set/.test(e))).toBe(true);
});

test('suspend holds everything still until it is unset', async () => {
  const world = await startedWorld(makeCanary(quickAnalysis()));
  healthy(world);
  world.editSpec((spec) => (spec.suspend = true));
  world.newRevision('rev-2');
  const ticksBefore = world.scheduledTicks;
  await world.advance(5 * MINUTE);
  expect(world.scheduledTicks - ticksBefore).toBeGreaterThanOrEqual(5);
  expect(world.phase).toBe('Initialized');
  expect(world.weightHistory).toEqual([0]);
  expect(world.primaryRevision).toBe('rev-1');
  expect(world.target.desiredReplicas).toBe(0);

  world.editSpec((spec) => (spec.suspend = false));
  await world.advance(10 * MINUTE);
  expect(world.phase).toBe('Succeeded');
  expect(world.weightHistory).toEqual([0, 20, 40, 60, 0]);
  expect(world.primaryRevision).toBe('rev-2');
});
