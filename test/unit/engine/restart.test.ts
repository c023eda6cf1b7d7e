import type { Canary } from '../../../src/api/canary.ts';
import { MINUTE, World, makeCanary } from './world.ts';

/**
 * Restart resilience: the shell performs a decision's actions, then crashes before writing the status.
 * Re-deciding from the old status (with the world the actions left behind) must ask for the same actions
 * and the same status, so the run ends with the same weight history: no step skipped, none doubled.
 */

const successRate = { name: 'request-success-rate', thresholdRange: { min: 99 } };

function runWithCrashes(canary: Canary, setup: (world: World) => void = () => {}): World {
  const world = new World(canary);
  setup(world);
  for (let tick = 0; tick < 40 && !['Succeeded', 'Failed'].includes(world.phase); tick++) {
    if (tick === 2) world.newRevision('rev-2');
    const first = world.plan();
    world.perform(first.decision, { crashBeforeStatusWrite: true });
    const again = world.plan();
    expect(again.decision.actions).toEqual(first.decision.actions);
    expect(again.decision.status).toEqual(first.decision.status);
    world.steps.push(again);
    world.perform(again.decision);
    world.now += MINUTE;
  }
  return world;
}

test.each([
  ['stepWeight', makeCanary({ metrics: [successRate] }), [0, 10, 20, 30, 0]],
  ['stepWeights', makeCanary({ stepWeight: undefined, maxWeight: undefined, stepWeights: [5, 50, 80] }), [0, 5, 50, 80, 0]],
  ['stepWeightPromotion', makeCanary({ stepWeight: 40, maxWeight: 80, stepWeightPromotion: 30 }), [0, 40, 80, 50, 20, 0]],
  ['blue/green', makeCanary({ stepWeight: undefined, maxWeight: undefined, iterations: 3, metrics: [successRate] }), [0, 100, 0]],
])('%s: a crash before every status write repeats the same decision and the run ends the same', (_name, canary, history) => {
  const world = runWithCrashes(canary);
  expect(world.phase).toBe('Succeeded');
  expect(world.weightHistory).toEqual(history);
});

test('a rollback run survives crashes before every status write', () => {
  const world = runWithCrashes(makeCanary({ threshold: 2, metrics: [successRate] }), (w) => {
    w.metrics = (name) => ({ name, result: 'value', value: 50 });
  });
  expect(world.phase).toBe('Failed');
  expect(world.weightHistory).toEqual([0, 10, 0]);
});

test('weights never go backwards except by rollback, promotion or a new run', () => {
  const world = runWithCrashes(makeCanary({ stepWeight: 7, maxWeight: 50 }));
  const analysing = world.steps.filter((s) => s.decision.status.phase === 'Progressing').map((s) => s.decision.status.canaryWeight ?? 0);
  expect(analysing).toEqual([...analysing].sort((a, b) => a - b));
  expect(world.weightHistory).toEqual([0, 7, 14, 21, 28, 35, 42, 49, 50, 0]);
});
