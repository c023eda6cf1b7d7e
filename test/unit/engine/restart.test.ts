import type { Canary } from '../../../src/api/canary.ts';
import { MINUTE, World, makeCanary, startedWorld } from './world.ts';

/**
 * Restart resilience through the real reconcile loop: the controller performs a tick's actions, then
 * dies before the status write (the World's StatusWriter throws once). The next tick starts again from
 * the old status with the world the actions left behind; it must ask for the same actions and write the
 * same status, so the run ends with the same weight history: no step skipped, none doubled.
 */

const successRate = { name: 'request-success-rate', thresholdRange: { min: 99 } };

async function runWithCrashes(canary: Canary, setup: (world: World) => void = () => {}): Promise<World> {
  const world = new World(canary);
  setup(world);
  for (let tick = 0; tick < 40 && !['Succeeded', 'Failed'].includes(world.phase); tick++) {
    if (tick === 2) world.newRevision('rev-2');
    const first = await world.crashingTick();
    if (first.crashed) {
      const again = await world.tick();
      expect(again.decision.actions).toEqual(first.step.decision.actions);
      expect(again.decision.status).toEqual(first.step.decision.status);
    }
    world.clock.advance(MINUTE);
  }
  return world;
}

test.each([
  ['stepWeight', makeCanary({ metrics: [successRate] }), [0, 10, 20, 30, 0]],
  ['stepWeights', makeCanary({ stepWeight: undefined, maxWeight: undefined, stepWeights: [5, 50, 80] }), [0, 5, 50, 80, 0]],
  ['stepWeightPromotion', makeCanary({ stepWeight: 40, maxWeight: 80, stepWeightPromotion: 30 }), [0, 40, 80, 50, 20, 0]],
  ['blue/green', makeCanary({ stepWeight: undefined, maxWeight: undefined, iterations: 3, metrics: [successRate] }), [0, 100, 0]],
])('%s: a crash before every status write repeats the same decision and the run ends the same', async (_name, canary, history) => {
  const world = await runWithCrashes(canary);
  expect(world.phase).toBe('Succeeded');
  expect(world.weightHistory).toEqual(history);
});

test('a rollback run survives crashes before every status write', async () => {
  const world = await runWithCrashes(makeCanary({ threshold: 2, metrics: [successRate] }), (w) => {
    w.metrics = (name) => ({ name, result: 'value', value: 50 });
  });
  expect(world.phase).toBe('Failed');
  expect(world.weightHistory).toEqual([0, 10, 0]);
});

test('weights never go backwards except by rollback, promotion or a new run', async () => {
  const world = await runWithCrashes(makeCanary({ stepWeight: 7, maxWeight: 50 }));
  const analysing = world.steps.filter((s) => s.decision.status.phase === 'Progressing').map((s) => s.decision.status.canaryWeight ?? 0);
  expect(analysing).toEqual([...analysing].sort((a, b) => a - b));
  expect(world.weightHistory).toEqual([0, 7, 14, 21, 28, 35, 42, 49, 56, 0]);
});

test('on the scheduler, a controller dying before each minute’s first status write retries and ends as an uninterrupted run', async () => {
  const uninterrupted = await startedWorld(makeCanary({ metrics: [successRate] }));
  uninterrupted.newRevision('rev-2');
  await uninterrupted.advance(10 * MINUTE);

  const crashing = await startedWorld(makeCanary({ metrics: [successRate] }));
  crashing.newRevision('rev-2');
  for (let minute = 0; minute < 10; minute++) {
    crashing.crashBeforeNextStatusWrite = true;
    await crashing.advance(MINUTE);
  }

  // The crashes happened: each cost a tick, retried after the controller's backoff.
  expect(crashing.scheduledTicks).toBeGreaterThan(uninterrupted.scheduledTicks);
  expect(uninterrupted.phase).toBe('Succeeded');
  expect(crashing.phase).toBe('Succeeded');
  expect(crashing.weightHistory).toEqual([0, 10, 20, 30, 0]);
  expect(crashing.weightHistory).toEqual(uninterrupted.weightHistory);
  expect(crashing.phaseHistory).toEqual(uninterrupted.phaseHistory);
  // Every step was announced once: the crashed ticks emitted nothing, their retries did.
  const advances = (world: World) => world.eventLines().filter((line) => line.startsWith('Advance: '));
  expect(advances(crashing)).toEqual(advances(uninterrupted));
});
