import { MINUTE, World, initializedWorld, makeCanary, unreadyWorkload } from './world.ts';
import { condition, hook, successRate } from './decide-fixtures.ts';

describe('new revision mid-run', () => {
  test.each(['Progressing', 'WaitingPromotion', 'Promoting', 'Failed', 'Succeeded'])('in %s restarts at weight 0 with counters reset', async (phase) => {
    const world = await initializedWorld(makeCanary({ threshold: 9, metrics: [successRate], webhooks: [hook('confirm-promotion')] }));
    world.gates = () => phase === 'Promoting' || phase === 'Succeeded';
    world.primaryReadyAfterPromotion = phase !== 'Promoting';
    if (phase === 'Failed') world.metrics = (name) => ({ name, result: 'no-data', reason: 'none' });
    world.newRevision('rev-2');
    if (phase === 'Failed') world.canary.spec.analysis.threshold = 1;
    await world.runUntil([phase]);
    world.metrics = (name) => ({ name, result: 'value', value: 99.9 });
    world.clock.advance(MINUTE);
    world.newRevision('rev-3');
    await world.tick();
    expect(world.phase).toBe('Progressing');
    expect(world.status).toMatchObject({ canaryWeight: 0, failedChecks: 0, iterations: 0, lastAppliedSpec: 'rev-3' });
    expect(world.weights).toEqual({ canary: 0, primary: 100 });
  });

  test('reverting the target to the promoted revision mid-run cancels the run', async () => {
    const world = await initializedWorld(makeCanary());
    world.newRevision('rev-2');
    await world.run(3);
    world.newRevision('rev-1');
    await world.tick();
    expect(world.phase).toBe('Initialized');
    expect(world.weights).toEqual({ canary: 0, primary: 100 });
    expect(world.target.desiredReplicas).toBe(0);
  });
});

describe('progress deadline', () => {
  test('canary never ready in Progressing → rollback ProgressDeadlineExceeded', async () => {
    const world = await initializedWorld(makeCanary({}, { progressDeadlineSeconds: 300 }));
    world.canaryReadyOnScaleUp = false;
    world.newRevision('rev-2');
    await world.runUntil(['Failed']);
    expect(world.status.failureReason).toBe('ProgressDeadlineExceeded');
    expect(world.notifications.at(-1)?.kind).toBe('progress-deadline');
    expect(condition(world, 'Stalled')).toMatchObject({ status: 'True', reason: 'ProgressDeadlineExceeded' });
    expect(world.steps.length).toBeLessThanOrEqual(8);
  });

  test('canary becoming unready in WaitingPromotion → rollback at the deadline', async () => {
    const world = await initializedWorld(makeCanary({ webhooks: [hook('confirm-promotion')] }, { progressDeadlineSeconds: 120 }));
    world.gates = () => false;
    world.newRevision('rev-2');
    await world.runUntil(['WaitingPromotion']);
    world.target = unreadyWorkload();
    world.clock.advance(MINUTE);
    await world.runUntil(['Failed']);
    expect(world.status.failureReason).toBe('ProgressDeadlineExceeded');
  });

  test('primary not ready in Promoting → Failed at the deadline with all traffic left on the canary', async () => {
    const world = await initializedWorld(makeCanary({}, { progressDeadlineSeconds: 120 }));
    world.primaryReadyAfterPromotion = false;
    world.newRevision('rev-2');
    await world.runUntil(['Failed']);
    expect(world.steps.map((s) => s.decision.status.phase)).toContain('Promoting');
    expect(world.status.failureReason).toBe('PromotionFailed');
  });

  test('a canary that recovers before the deadline resets the wait', async () => {
    const world = await initializedWorld(makeCanary({}, { progressDeadlineSeconds: 150 }));
    world.newRevision('rev-2');
    await world.run(2);
    world.target = unreadyWorkload();
    await world.run(2);
    world.target = { ...unreadyWorkload(), availableReplicas: 2 };
    await world.run(1);
    world.target = unreadyWorkload();
    await world.run(2);
    expect(world.phase).toBe('Progressing');
  });
});

describe('skipAnalysis, suspend, deletion, bad input', () => {
  test('skipAnalysis promotes once the canary is ready, without stepping weights', async () => {
    const world = await initializedWorld(makeCanary({ metrics: [successRate] }, { skipAnalysis: true }));
    world.newRevision('rev-2');
    await world.runUntil(['Succeeded']);
    expect(world.weightHistory).toEqual([0]);
    expect(world.primaryRevision).toBe('rev-2');
  });

  test('suspend: nothing moves, the status is left as it was', async () => {
    const world = await initializedWorld(makeCanary());
    world.newRevision('rev-2');
    await world.run(2);
    world.canary.spec.suspend = true;
    const before = structuredClone(world.status);
    await world.run(5);
    expect(world.status.canaryWeight).toBe(before.canaryWeight);
    expect(world.status.phase).toBe('Progressing');
    expect(world.steps.slice(-5).every((s) => s.decision.actions.length === 0)).toBe(true);
  });

  test('deletion with revertOnDeletion → Terminating and finalize; without it only the finalizer goes', async () => {
    const world = await initializedWorld(makeCanary({}, { revertOnDeletion: true }));
    world.requestDeletion();
    await world.tick();
    expect(world.phase).toBe('Terminating');
    expect(world.finalized).toBe(true);
    expect(world).toMatchObject({ finalizer: false, primary: undefined, weights: undefined, target: { desiredReplicas: 2 } });
    const plain = await initializedWorld(makeCanary());
    plain.requestDeletion();
    await plain.tick();
    expect(plain.steps.at(-1)?.decision.actions).toEqual([{ type: 'releaseFinalizer' }]);
  });

  // A spec only a person can fix stalls; a missing target or traffic API may appear without one (a GitOps
  // tool applying the Canary before its Deployment), so Kanari keeps reconciling.
  test.each([
    ['InvalidSpec', 'Stalled', (w: World): unknown => (w.validationErrors = ['metric template foo not found'])],
    ['InvalidSpec', 'Stalled', (w: World): unknown => (w.canary.spec.analysis.window = { schedules: ['every day'] })],
    ['TargetNotFound', 'Reconciling', (w: World): unknown => (w.target = { ...w.target, exists: false })],
    ['RouterUnavailable', 'Reconciling', (w: World): unknown => (w.routerAvailable = false)],
  ] as const)('%s gives Ready=False and %s=True with the reason, one Event, and nothing moves', async (reason, kstatusCondition, breakIt) => {
    const world = await initializedWorld(makeCanary());
    breakIt(world);
    world.newRevision('rev-2');
    await world.run(3);
    expect(world.phase).toBe('Initialized');
    expect(condition(world, 'Ready')).toMatchObject({ status: 'False', reason, observedGeneration: 1 });
    expect(condition(world, kstatusCondition)).toMatchObject({ status: 'True', reason, observedGeneration: 1 });
    expect(condition(world, kstatusCondition === 'Stalled' ? 'Reconciling' : 'Stalled')?.status).toBe('False');
    expect(world.events.filter((e) => e.reason === reason)).toHaveLength(1);
  });
});
