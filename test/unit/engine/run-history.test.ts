import type { CanaryWebhook } from '../../../src/api/canary.ts';
import { MAX_PAST_RUNS, MAX_TIMELINE_ENTRIES } from '../../../src/api/run-history.ts';
import { createValidator } from '../../../src/api/validation.ts';
import { MINUTE, initializedWorld, makeCanary, type World } from './world.ts';

const successRate = { name: 'request-success-rate', thresholdRange: { min: 99 } };
const hook = (type: CanaryWebhook['type'], name: string): CanaryWebhook => ({ name, type, url: `http://hooks/${name}` });

/** The Canary as stored must still be valid against its schema (the CRD prunes and rejects the same). */
function expectValidStatus(world: World): void {
  const result = createValidator().validateCanary(structuredClone(world.canary));
  expect(result.valid ? [] : result.errors).toEqual([]);
}

describe('run history in the status', () => {
  test('a promoted run: every step with its weight and metric values, then a summary of the run', async () => {
    const world = await initializedWorld(makeCanary({ metrics: [successRate] }));
    world.newRevision('rev-2');
    await world.runUntil(['Succeeded']);
    const run = world.status.run!;
    expect(run).toMatchObject({ revision: 'rev-2', outcome: 'Succeeded', startTime: '2026-03-02T10:00:00.000Z' });
    expect(run.entries.map((e) => [e.weight, e.phase, e.events.join(',')])).toEqual([
      [0, 'Progressing', 'Synced'],
      [10, 'Progressing', 'Advance'],
      [20, 'Progressing', 'Advance'],
      [30, 'Progressing', 'Advance'],
      [30, 'Promoting', 'Promoting'],
      [0, 'Finalising', 'Finalising'],
      [0, 'Succeeded', 'Succeeded'],
    ]);
    // The check that opened each step is recorded with it: the value against the threshold.
    expect(run.entries[2].metrics).toEqual([{ name: 'request-success-rate', result: 'pass', value: 99.8, min: 99 }]);
    expect(world.status.pastRuns).toEqual([
      { revision: 'rev-2', outcome: 'Succeeded', startTime: run.startTime, endTime: run.endTime, durationSeconds: 360, steps: 3, maxWeight: 30 },
    ]);
    expectValidStatus(world);
  });

  test('a rolled back run keeps the failing values and says why it failed', async () => {
    const world = await initializedWorld(makeCanary({ metrics: [successRate], threshold: 2 }));
    world.newRevision('rev-2');
    await world.run(2);
    world.metrics = (name) => ({ name, result: 'value', value: 52 });
    await world.runUntil(['Failed']);
    const run = world.status.run!;
    expect(run.outcome).toBe('Failed');
    expect(run.reason).toBe('FailedChecks');
    const failing = run.entries.filter((e) => e.metrics?.[0].result === 'fail');
    expect(failing.map((e) => [e.metrics?.[0].value, e.failedChecks, e.events])).toEqual([
      [52, 1, ['FailedCheck']],
      [52, 2, ['FailedCheck', 'FailedChecks']],
    ]);
    expect(run.entries.at(-1)).toMatchObject({ weight: 0, phase: 'Failed' });
    expect(world.status.pastRuns?.[0]).toMatchObject({ revision: 'rev-2', outcome: 'Failed', reason: 'FailedChecks', steps: 1, maxWeight: 10, failedChecks: 2 });
    expectValidStatus(world);
  });

  test('gate answers and manual actions are part of the timeline; a closed gate asked again is one entry with repeats', async () => {
    const world = await initializedWorld(makeCanary({ metrics: [successRate], webhooks: [hook('confirm-promotion', 'approve')] }));
    world.gates = (type) => type !== 'confirm-promotion';
    world.newRevision('rev-2');
    await world.runUntil(['WaitingPromotion']);
    world.clock.advance(MINUTE);
    await world.run(3);
    world.manualRequests = [{ kind: 'promote', requestedBy: 'alice', id: 'alice@1' }];
    await world.runUntil(['Succeeded']);
    const entries = world.status.run!.entries;
    const waiting = entries.filter((e) => e.phase === 'WaitingPromotion');
    expect(waiting[0]).toMatchObject({ events: ['WaitingPromotion'], gates: [{ type: 'confirm-promotion', name: 'approve', ok: false, reason: 'webhook approve answered 403: not approved' }] });
    expect(waiting[1]).toMatchObject({ events: [], repeats: 2 });
    const manual = entries.find((e) => e.manual !== undefined);
    expect(manual).toMatchObject({ manual: [{ action: 'promote', by: 'alice' }], events: expect.arrayContaining(['ManualAction']) });
    expectValidStatus(world);
  });

  test('a new revision mid-run ends the old run as Superseded and starts a new timeline', async () => {
    const world = await initializedWorld(makeCanary({ metrics: [successRate] }));
    world.newRevision('rev-2');
    await world.run(2);
    world.newRevision('rev-3');
    await world.tick();
    expect(world.status.run).toMatchObject({ revision: 'rev-3', entries: [{ weight: 0, events: ['Synced'] }] });
    expect(world.status.pastRuns?.[0]).toMatchObject({ revision: 'rev-2', outcome: 'Superseded', maxWeight: 10, steps: 1 });
  });

  test('retrying a failed run starts a new one for the same revision', async () => {
    const world = await initializedWorld(makeCanary({ metrics: [successRate], threshold: 1 }));
    world.newRevision('rev-2');
    world.metrics = (name) => ({ name, result: 'value', value: 10 });
    await world.runUntil(['Failed']);
    world.metrics = (name) => ({ name, result: 'value', value: 99.9 });
    world.manualRequests = [{ kind: 'retry', requestedBy: 'bob', id: 'bob@1' }];
    world.clock.advance(MINUTE);
    await world.tick();
    expect(world.status.run).toMatchObject({ revision: 'rev-2', entries: [{ manual: [{ action: 'retry', by: 'bob' }], events: ['ManualAction', 'Synced'] }] });
    expect(world.status.run?.outcome).toBeUndefined();
    expect(world.status.pastRuns?.map((r) => r.outcome)).toEqual(['Failed']);
  });

  test('bounded: a long run keeps its first entry and the latest ones; only the last runs are summarised', async () => {
    const world = await initializedWorld(makeCanary({ metrics: [successRate], stepWeight: 1, maxWeight: 100 }));
    world.newRevision('rev-2');
    await world.runUntil(['Succeeded'], 200);
    const run = world.status.run!;
    expect(run.entries).toHaveLength(MAX_TIMELINE_ENTRIES);
    expect(run.entries[0].events).toEqual(['Synced']);
    expect(run.entries.at(-1)?.phase).toBe('Succeeded');
    expect(run.droppedEntries).toBe(104 - MAX_TIMELINE_ENTRIES);
    expect(world.status.pastRuns?.[0]).toMatchObject({ steps: 100, maxWeight: 100 });
    expect(JSON.stringify(world.status).length).toBeLessThan(16_000);
    for (let i = 3; i < 3 + MAX_PAST_RUNS + 2; i++) {
      world.newRevision(`rev-${i}`);
      world.clock.advance(MINUTE);
      await world.tick();
    }
    expect(world.status.pastRuns).toHaveLength(MAX_PAST_RUNS);
    expect(world.status.pastRuns?.[0]).toMatchObject({ revision: `rev-${MAX_PAST_RUNS + 3}`, outcome: 'Superseded' });
    expectValidStatus(world);
  });

  test('an idle Canary writes nothing new: ticks without news add no entry', async () => {
    const world = await initializedWorld(makeCanary({ metrics: [successRate] }));
    world.newRevision('rev-2');
    await world.runUntil(['Succeeded']);
    const before = JSON.stringify(world.status);
    await world.run(5);
    expect(JSON.stringify(world.status)).toBe(before);
  });
});
