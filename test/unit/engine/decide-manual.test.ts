import { MINUTE, initializedWorld, makeCanary } from './world.ts';
import { condition, hook, successRate } from './decide-fixtures.ts';

describe('manual control', () => {
  const request = (kind: 'promote' | 'promote-full' | 'abort' | 'pause' | 'resume' | 'retry', id: string) => ({ kind, id, requestedBy: 'alice' });

  test('abort rolls back now, naming who asked', async () => {
    const world = await initializedWorld(makeCanary());
    world.newRevision('rev-2');
    await world.run(3);
    world.manualRequests = [request('abort', 'a1')];
    await world.tick();
    expect(world.phase).toBe('Failed');
    expect(world.status.failureReason).toBe('ManualAbort');
    // The conditions say it was aborted, not that the analysis failed.
    expect(condition(world, 'Promoted')).toMatchObject({
      status: 'False',
      reason: 'ManualAbort',
      message: 'The run was aborted on request (kanari abort or the kanari.dev/abort annotation); the primary was kept.',
    });
    expect(condition(world, 'Stalled')?.message).toBe(
      'The run was aborted on request (kanari abort or the kanari.dev/abort annotation); revision rev-2 was rolled back, and a new revision or a retry starts another run.',
    );
    expect(world.events.some((e) => e.reason === 'ManualAction' && e.message.includes('alice'))).toBe(true);
    expect(world.notifications.some((n) => n.kind === 'manual-action' && n.facts.requestedBy === 'alice')).toBe(true);
  });

  test('a request is acted on once even though the annotation stays', async () => {
    const world = await initializedWorld(makeCanary());
    world.newRevision('rev-2');
    await world.run(2);
    world.manualRequests = [request('pause', 'p1')];
    await world.run(2);
    world.manualRequests = [request('pause', 'p1'), request('resume', 'r1')];
    await world.run(3);
    expect(world.events.filter((e) => e.reason === 'ManualAction')).toHaveLength(2);
    expect(world.status.paused).toBeUndefined();
  });

  test('pause holds the step; resume continues from it', async () => {
    const world = await initializedWorld(makeCanary());
    world.newRevision('rev-2');
    await world.run(2);
    world.manualRequests = [request('pause', 'p1')];
    await world.run(4);
    expect(world.weightHistory).toEqual([0, 10]);
    world.manualRequests = [request('resume', 'r1')];
    await world.runUntil(['Succeeded']);
    expect(world.weightHistory).toEqual([0, 10, 20, 30, 0]);
  });

  test('promote opens the next closed gate only', async () => {
    const world = await initializedWorld(makeCanary({ webhooks: [hook('confirm-traffic-increase')] }));
    world.gates = () => false;
    world.newRevision('rev-2');
    await world.run(3);
    expect(world.weightHistory).toEqual([0]);
    world.manualRequests = [request('promote', 'x1')];
    await world.run(3);
    expect(world.weightHistory).toEqual([0, 10]);
  });

  test('promote opens a closed confirm-rollout gate', async () => {
    const world = await initializedWorld(makeCanary({ webhooks: [hook('confirm-rollout')] }));
    world.gates = () => false;
    world.newRevision('rev-2');
    await world.run(2);
    expect(world.phase).toBe('Waiting');
    world.manualRequests = [request('promote', 'x1')];
    await world.run(2);
    expect(world.phase).toBe('Progressing');
  });

  test('promote --full skips the rest of the analysis', async () => {
    const world = await initializedWorld(makeCanary({ webhooks: [hook('confirm-promotion')] }));
    world.gates = () => false;
    world.newRevision('rev-2');
    await world.run(2);
    world.manualRequests = [request('promote-full', 'f1')];
    await world.runUntil(['Succeeded']);
    expect(world.weightHistory).toEqual([0, 10, 0]);
  });

  test('retry restarts a Failed canary at weight 0 without a template change', async () => {
    const world = await initializedWorld(makeCanary({ threshold: 1, metrics: [successRate] }));
    let healthy = false;
    world.metrics = (name) => ({ name, result: 'value', value: healthy ? 99.9 : 10 });
    world.newRevision('rev-2');
    await world.runUntil(['Failed']);
    healthy = true;
    world.manualRequests = [request('retry', 't1')];
    world.clock.advance(MINUTE);
    await world.runUntil(['Succeeded']);
    expect(world.primaryRevision).toBe('rev-2');
    expect(world.weightHistory).toEqual([0, 10, 0, 10, 20, 30, 0]);
  });

  test('requests that do not apply are ignored with an Event saying why', async () => {
    const world = await initializedWorld(makeCanary());
    world.manualRequests = [request('abort', 'a1'), request('retry', 't1')];
    await world.tick();
    expect(world.phase).toBe('Initialized');
    expect(world.events.filter((e) => e.reason === 'ManualActionIgnored')).toHaveLength(2);
  });
});

describe('rollout window', () => {
  test('outside the window the weight holds; checks continue; it advances when the window opens', async () => {
    // START is Monday 10:00 UTC; the window opens at 10:03.
    const world = await initializedWorld(makeCanary({ metrics: [successRate], window: { schedules: ['3-59 10-16 * * 1-5'] } }));
    let measured = 0;
    world.metrics = (name) => {
      measured++;
      return { name, result: 'value', value: 99.9 };
    };
    world.newRevision('rev-2');
    await world.run(3);
    expect(world.weightHistory).toEqual([0]);
    expect(world.events.some((e) => e.reason === 'OutsideWindow')).toBe(true);
    await world.runUntil(['Succeeded']);
    expect(world.weightHistory).toEqual([0, 10, 20, 30, 0]);
    expect(measured).toBeGreaterThan(0);
  });
});
