import { MINUTE, makeCanary, quickAnalysis, startedWorld, type World } from './world.ts';

/** New revisions arriving mid-run, and targets reverted to what was promoted, over whole runs. */

/** True when every rise in `history` is one step of `step` and every fall goes to 0 (a rollback or a restart). */
function stepsNeverSkipped(history: number[], step: number): boolean {
  return history.every((w, i) => i === 0 || w === 0 || w - history[i - 1] === step);
}

async function initialized(): Promise<World> {
  const world = await startedWorld(makeCanary(quickAnalysis({ stepWeight: 10 })));
  world.metrics = (name) => ({ name, result: 'value', value: name === 'request-duration' ? 120 : 99.9 });
  return world;
}

const runsStarted = (world: World) => world.events.filter((e) => e.reason === 'Synced').length;

test('a new revision mid-analysis sends the weight back to 0 and restarts the run on the newest revision', async () => {
  const world = await initialized();
  world.newRevision('rev-2');
  await world.advanceUntil((w) => w.phase === 'Progressing' && (w.status.canaryWeight ?? 0) >= 10);
  world.newRevision('rev-3');
  await world.advance(15 * MINUTE);

  expect(world.phase).toBe('Succeeded');
  const history = world.weightHistory;
  const restart = history.indexOf(0, 1);
  // Weight climbed, dropped to 0 for the new revision, climbed again in whole steps, then went to the primary.
  expect(restart).toBeGreaterThan(1);
  expect(history.slice(restart)).toEqual([0, 10, 20, 30, 40, 50, 60, 0]);
  expect(stepsNeverSkipped(history, 10)).toBe(true);
  expect(world.primaryRevision).toBe('rev-3');
  expect(world.eventLines().filter((e) => e.startsWith('Synced: New revision detected'))).toHaveLength(2);
});

test('reverting the target to the promoted revision mid-run cancels the run instead of starting one', async () => {
  const world = await initialized();

  // Reverted to the revision promoted at initialization.
  world.newRevision('rev-2');
  await world.advanceUntil((w) => w.phase === 'Progressing' && (w.status.canaryWeight ?? 0) >= 10);
  world.newRevision('rev-1');
  await world.advance(0);
  expect(world.phase).toBe('Initialized');
  const ticks = world.scheduledTicks;
  await world.advance(2 * MINUTE);
  expect(world.scheduledTicks - ticks).toBeGreaterThanOrEqual(2);
  expect(world.phase).toBe('Initialized');
  expect(world.weightHistory.at(-1)).toBe(0);
  expect(world.primaryRevision).toBe('rev-1');
  expect(world.target.desiredReplicas).toBe(0);
  expect(runsStarted(world)).toBe(1);
  expect(world.eventLines().some((e) => e.startsWith('RunCancelled: ') && e.includes('reverted to the promoted revision'))).toBe(true);

  // After a Succeeded run, the promoted revision is the new one, and reverting to it cancels too.
  world.newRevision('rev-2');
  await world.advance(15 * MINUTE);
  expect(world.phase).toBe('Succeeded');
  world.newRevision('rev-3');
  await world.advanceUntil((w) => w.phase === 'Progressing' && (w.status.canaryWeight ?? 0) >= 10);
  world.newRevision('rev-2');
  await world.advance(2 * MINUTE);
  expect(world.phase).toBe('Initialized');
  expect(world.primaryRevision).toBe('rev-2');
  expect(runsStarted(world)).toBe(3);
  expect(world.weightHistory.at(-1)).toBe(0);
  expect(stepsNeverSkipped(world.weightHistory, 10)).toBe(true);
});
