import type { CanaryAnalysis } from '../../../src/api/canary.ts';
import { MINUTE, World, makeCanary, startedWorld } from './world.ts';
import { trafficOf } from './world-traffic.ts';

/**
 * `analysis.baseline: true` on whole runs: a `-baseline` copy of the primary is created when the run
 * starts, gets the canary's weight as a third backend, is what the judge compares the canary with, and
 * is removed when the run ends, whatever the outcome.
 */

function analysis(overrides: Partial<CanaryAnalysis> = {}): Partial<CanaryAnalysis> {
  return { interval: '1m', threshold: 2, stepWeight: 20, maxWeight: 60, baseline: true, metrics: [{ name: 'request-success-rate', compare: {} }], ...overrides };
}

async function shipped(setup: (world: World) => void, overrides: Partial<CanaryAnalysis> = {}): Promise<World> {
  const world = await startedWorld(makeCanary(analysis(overrides)));
  setup(world);
  world.newRevision('rev-2');
  return world;
}

const finished = (world: World) => ['Succeeded', 'Failed'].includes(world.phase);
const baselineActions = (world: World) => world.actionLog.filter((a) => a.type === 'ensureBaseline' || a.type === 'removeBaseline').map((a) => a.type);

test('promotion: the baseline is created with the run, gets the canary’s weight, is judged against, and is removed', async () => {
  const world = await shipped((w) => (w.comparisons = trafficOf({ rps: 100, primary: 0.01, canary: 0.01 })));
  await world.advanceToNextTick();
  expect(world.baseline?.exists).toBe(true);
  await world.advanceUntil(finished);

  expect(world.phase).toBe('Succeeded');
  expect(world.weightHistory).toEqual([0, 20, 40, 60, 0]);
  // The baseline's share follows the canary's (at 60 only 40 are left for it); none before or after the analysis.
  expect(world.baselineWeightHistory).toEqual([20, 40, undefined]);
  expect(world.steps.flatMap((s) => s.decision.actions).filter((a) => a.type === 'setWeights').map((a) => a.type === 'setWeights' && a.weights)).toEqual(
    expect.arrayContaining([{ canary: 20, primary: 60, baseline: 20 }, { canary: 60, primary: 0, baseline: 40 }, { canary: 60, primary: 40 }]),
  );
  expect(world.comparisonRequests.every((c) => c.request.against === 'baseline')).toBe(true);
  expect(world.status.judge?.against).toBe('baseline');
  expect(world.status.lastAnalysis?.[0].comparison?.message).toMatch(/as often as baseline/);
  expect(world.baseline).toBeUndefined();
  // Removed when the analysis ended, before the primary took the new spec.
  const promotion = world.steps.find((s) => s.decision.actions.some((a) => a.type === 'promotePrimary'))?.decision.actions.map((a) => a.type);
  expect(promotion?.indexOf('removeBaseline')).toBeLessThan(promotion?.indexOf('promotePrimary') ?? -1);
  expect(promotion?.indexOf('setWeights')).toBeLessThan(promotion?.indexOf('removeBaseline') ?? -1);
});

test('rollback: a canary worse than the baseline is rolled back, and the baseline goes with it', async () => {
  const world = await shipped((w) => (w.comparisons = trafficOf({ rps: 100, primary: 0.002, baseline: 0.002, canary: 0.02 })));
  await world.advanceUntil(finished);
  expect(world.phase).toBe('Failed');
  expect(world.status.failureReason).toBe('CanaryWorseThanBaseline');
  expect(world.events.find((e) => e.reason === 'CanaryWorseThanBaseline')?.message).toMatch(/canary fails [\d.]+× as often as baseline/);
  expect(world.baseline).toBeUndefined();
  expect(world.weights).toEqual({ canary: 0, primary: 100 });
  expect(baselineActions(world).at(-1)).toBe('removeBaseline');
});

test('abort: a person aborting the run removes the baseline', async () => {
  const world = await shipped((w) => (w.comparisons = trafficOf({ rps: 100, primary: 0.01, canary: 0.01 })));
  await world.advance(MINUTE + 1);
  expect(world.baseline?.exists).toBe(true);
  world.annotate('abort', 'alice');
  await world.advance(0);
  expect(world.phase).toBe('Failed');
  expect(world.status.failureReason).toBe('ManualAbort');
  expect(world.baseline).toBeUndefined();
  expect(world.weights).toEqual({ canary: 0, primary: 100 });
});

test('the analysis waits for the baseline to be ready, and the progress deadline covers it', async () => {
  const world = await shipped((w) => {
    w.comparisons = trafficOf({ rps: 100, primary: 0.01, canary: 0.01 });
    w.baselineReadyOnCreate = false;
  }, { interval: '1m' });
  await world.advance(5 * MINUTE);
  expect(world.weightHistory).toEqual([0]);
  await world.advance(10 * MINUTE);
  expect(world.phase).toBe('Failed');
  expect(world.eventLines()).toEqual(expect.arrayContaining([expect.stringMatching(/^ProgressDeadlineExceeded: Rolling back podinfo\.test: baseline deployment podinfo-baseline not ready after 600s/)]));
  expect(world.baseline).toBeUndefined();
});

test('a new revision during a run starts a fresh baseline; switching baseline off mid-run removes it', async () => {
  const world = await shipped((w) => (w.comparisons = trafficOf({ rps: 100, primary: 0.01, canary: 0.01 })), { maxWeight: 100 });
  await world.advance(MINUTE + 1);
  world.newRevision('rev-3');
  await world.advance(0);
  expect(baselineActions(world).slice(-2)).toEqual(['removeBaseline', 'ensureBaseline']);
  world.editSpec((spec) => (spec.analysis.baseline = false));
  await world.advance(2 * MINUTE);
  expect(world.baseline).toBeUndefined();
  expect(world.weights?.baseline).toBeUndefined();
  expect(world.comparisonRequests.at(-1)?.request.against).toBe('primary');
});

test('a baseline is never made for Canaries that do not ask for one', async () => {
  const world = new World(makeCanary({ metrics: [{ name: 'request-success-rate', compare: {} }] }));
  world.start();
  await world.advance(0);
  world.comparisons = trafficOf({ rps: 100, primary: 0.01, canary: 0.01 });
  world.newRevision('rev-2');
  await world.advanceUntil(finished);
  expect(baselineActions(world)).toEqual([]);
});

test('a person’s edit to the route mid-run is put back with the baseline’s share (a router that tells edits apart)', async () => {
  let approved = false;
  const world = await shipped((w) => {
    w.comparisons = trafficOf({ rps: 100, primary: 0.01, canary: 0.01 });
    w.weightsFresh = true;
    w.gates = (type) => (type === 'confirm-promotion' ? approved : type !== 'rollback');
  }, { webhooks: [{ name: 'approval', type: 'confirm-promotion', url: 'http://approval/' }] });
  await world.advanceUntil((w) => w.phase === 'WaitingPromotion');
  // Held at the top step: nothing but the edit moves the weights.
  world.editRouteWeights(100);
  await world.advanceToNextTick();
  expect(world.eventLines().filter((e) => e.startsWith('WeightsReverted: '))).toEqual([
    'WeightsReverted: The route of podinfo.test was changed outside Kanari to canary 100% / primary 0%; put back to canary 60% (change the Canary, not its route)',
  ]);
  expect(world.weights).toEqual({ canary: 60, primary: 0, baseline: 40 });
  approved = true;
  await world.advanceUntil(finished);
  expect(world.phase).toBe('Succeeded');
  expect(world.baseline).toBeUndefined();
});
