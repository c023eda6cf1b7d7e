import { MINUTE, World, initializedWorld, makeCanary, unreadyWorkload } from './world.ts';
import { condition, duration, hook, successRate } from './decide-fixtures.ts';

describe('initialization', () => {
  test('"" → Initializing (primary created) → Initialized once the primary is ready, target to zero', async () => {
    const world = new World(makeCanary());
    await world.tick();
    expect(world.phase).toBe('Initializing');
    expect(world.actionLog.map((a) => a.type)).toEqual(['ensurePrimary', 'ensureRoute']);
    await world.tick();
    expect(world.phase).toBe('Initialized');
    expect(world.weights).toEqual({ canary: 0, primary: 100 });
    expect(world.target.desiredReplicas).toBe(0);
    expect(world.status).toMatchObject({ lastAppliedSpec: 'rev-1', lastPromotedSpec: 'rev-1', trackedConfigs: { 'configmap/podinfo': 'c1' } });
    expect(condition(world, 'Promoted')).toMatchObject({ status: 'True', observedGeneration: 1 });
    expect(condition(world, 'Ready')?.status).toBe('True');
  });

  test('a primary that never becomes ready stalls initialization at the deadline without losing the phase', async () => {
    const world = new World(makeCanary({}, { progressDeadlineSeconds: 120 }));
    world.primary = unreadyWorkload();
    await world.tick();
    world.primary = unreadyWorkload();
    world.clock.advance(3 * MINUTE);
    await world.tick();
    expect(world.phase).toBe('Initializing');
    expect(condition(world, 'Stalled')).toMatchObject({ status: 'True', reason: 'ProgressDeadlineExceeded' });
  });

  test('revertOnDeletion adds the finalizer during initialization', async () => {
    const world = new World(makeCanary({}, { revertOnDeletion: true }));
    await world.tick();
    expect(world.actionLog.map((a) => a.type)).toEqual(['ensureFinalizer', 'ensurePrimary', 'ensureRoute']);
    expect(world.finalizer).toBe(true);
  });
});

describe('canary strategy', () => {
  test('a full run: weights 0 → 10 → 20 → 30 → promote → 0, Succeeded, post-rollout hooks', async () => {
    const world = await initializedWorld(makeCanary({ metrics: [successRate, duration], webhooks: [hook('post-rollout')] }));
    world.newRevision('rev-2');
    await world.runUntil(['Succeeded', 'Failed']);
    expect(world.phase).toBe('Succeeded');
    expect(world.weightHistory).toEqual([0, 10, 20, 30, 0]);
    expect(world.steps.map((s) => s.decision.status.phase)).toEqual(['Progressing', 'Progressing', 'Progressing', 'Progressing', 'Promoting', 'Finalising', 'Succeeded']);
    expect(world.primaryRevision).toBe('rev-2');
    expect(world.target.desiredReplicas).toBe(0);
    expect(world.status).toMatchObject({ lastAppliedSpec: 'rev-2', lastPromotedSpec: 'rev-2', failedChecks: 0, canaryWeight: 0 });
    expect(world.hooksRun).toEqual([{ hookType: 'post-rollout', phase: 'Succeeded' }]);
    expect(world.eventMessages()).toContain('Advance podinfo.test canary weight 20 → 30: request-success-rate 99.8% ≥ 99%, request-duration 120ms ≤ 500ms');
    expect(world.notifications.map((n) => n.kind)).toEqual(['new-revision', 'promotion-finished']);
    expect(world.notifications[1].facts.durationMs).toBeGreaterThan(0);
    expect(world.notifications[1].facts.steps).toBe(3);
    expect(condition(world, 'Promoted')?.status).toBe('True');
  });

  test('stepWeights: the whole weight history follows the list', async () => {
    const world = await initializedWorld(makeCanary({ stepWeight: undefined, maxWeight: undefined, stepWeights: [1, 5, 25, 50] }));
    world.newRevision('rev-2');
    await world.runUntil(['Succeeded']);
    expect(world.weightHistory).toEqual([0, 1, 5, 25, 50, 0]);
  });

  test("the step that reaches maxWeight is taken whole, as in Flagger's documented 20, 40, 60", async () => {
    const world = await initializedWorld(makeCanary({ stepWeight: 20, maxWeight: 50 }));
    world.newRevision('rev-2');
    await world.runUntil(['Succeeded']);
    expect(world.weightHistory).toEqual([0, 20, 40, 60, 0]);
  });

  test('maxWeight beside stepWeights is ignored and the last step promotes, as in Flagger', async () => {
    const world = await initializedWorld(makeCanary({ stepWeight: undefined, maxWeight: 50, stepWeights: [10, 30, 60] }));
    world.newRevision('rev-2');
    await world.runUntil(['Succeeded']);
    expect(world.weightHistory).toEqual([0, 10, 30, 60, 0]);
  });

  test('stepWeightPromotion moves traffic to the primary one step per interval', async () => {
    const world = await initializedWorld(makeCanary({ stepWeight: 25, maxWeight: 50, stepWeightPromotion: 20 }));
    world.newRevision('rev-2');
    await world.runUntil(['Succeeded']);
    expect(world.weightHistory).toEqual([0, 25, 50, 30, 10, 0]);
  });

  test('the weight advances only once per interval, however often decide is called', async () => {
    const world = await initializedWorld(makeCanary());
    world.newRevision('rev-2');
    await world.tick();
    await world.tick();
    world.clock.advance(10_000);
    await world.tick();
    await world.tick();
    expect(world.weightHistory).toEqual([0, 10]);
    world.clock.advance(MINUTE);
    await world.tick();
    expect(world.weightHistory).toEqual([0, 10, 20]);
  });

  test('a revision equal to lastPromotedSpec does not start a run', async () => {
    const world = await initializedWorld(makeCanary());
    world.newRevision('rev-2');
    await world.runUntil(['Succeeded']);
    world.newRevision('rev-2');
    await world.run(3);
    expect(world.phase).toBe('Succeeded');
  });
});

describe('failed checks', () => {
  test('a failing metric adds a failed check per interval; reaching the threshold rolls back', async () => {
    const world = await initializedWorld(makeCanary({ threshold: 3, metrics: [successRate], webhooks: [hook('post-rollout')] }));
    world.metrics = (name) => ({ name, result: 'value', value: 90 });
    world.newRevision('rev-2');
    await world.runUntil(['Failed']);
    expect(world.weightHistory).toEqual([0, 10, 0]);
    expect(world.steps.map((s) => s.decision.status.failedChecks)).toEqual([0, 0, 1, 2, 3]);
    expect(world.target.desiredReplicas).toBe(0);
    expect(world.status).toMatchObject({ failureReason: 'FailedChecks', canaryWeight: 0, lastPromotedSpec: 'rev-1' });
    expect(world.eventMessages()).toContain('Rolling back podinfo.test: failed checks threshold reached (3/3): request-success-rate 90% < 99%');
    const alert = world.notifications.find((n) => n.kind === 'rollback');
    expect(alert).toMatchObject({ severity: 'error', facts: { metric: { name: 'request-success-rate', value: 90, min: 99 } } });
    expect(world.hooksRun).toEqual([{ hookType: 'post-rollout', phase: 'Failed' }]);
    expect(condition(world, 'Stalled')).toMatchObject({ status: 'True', reason: 'FailedChecks' });
    expect(condition(world, 'Promoted')).toMatchObject({ status: 'False', reason: 'FailedChecks', message: 'Canary analysis failed: the failed checks reached the threshold; the primary was kept.' });
  });

  test('threshold 1 rolls back at the first failure', async () => {
    const world = await initializedWorld(makeCanary({ threshold: 1, metrics: [successRate] }));
    world.metrics = (name) => ({ name, result: 'value', value: 50 });
    world.newRevision('rev-2');
    await world.runUntil(['Failed']);
    expect(world.steps.at(-1)?.decision.status.failedChecks).toBe(1);
  });

  test('failures below the threshold halt the step but do not reset; passes continue from the same weight', async () => {
    const world = await initializedWorld(makeCanary({ threshold: 3, metrics: [successRate] }));
    let fail = false;
    world.metrics = (name) => ({ name, result: 'value', value: fail ? 90 : 99.9 });
    world.newRevision('rev-2');
    await world.run(3); // start, 0→10, 10→20
    fail = true;
    await world.run(2);
    fail = false;
    await world.runUntil(['Succeeded']);
    expect(world.weightHistory).toEqual([0, 10, 20, 30, 0]);
    expect(world.status.failedChecks).toBe(2);
  });

  test('no data is a failed check with reason NoTraffic, never a pass', async () => {
    const world = await initializedWorld(makeCanary({ threshold: 2, metrics: [successRate] }));
    world.metrics = (name) => ({ name, result: 'no-data', reason: 'zero requests' });
    world.newRevision('rev-2');
    await world.runUntil(['Failed']);
    expect(world.events.filter((e) => e.reason === 'NoTraffic').map((e) => e.message)[0]).toBe(
      'Halt advancement of podinfo.test: no traffic to judge request-success-rate: zero requests (failed checks 1/2)',
    );
  });

  test('no traffic for several metrics says why once, with no parentheses in parentheses', async () => {
    const latency = { name: 'request-duration', thresholdRange: { max: 500 } };
    const world = await initializedWorld(makeCanary({ threshold: 2, metrics: [successRate, latency] }));
    world.metrics = (name) => ({ name, result: 'no-data', reason: 'no requests to deployment test/podinfo recorded in the last 1m' });
    world.newRevision('rev-2');
    await world.runUntil(['Failed']);
    const [first] = world.events.filter((e) => e.reason === 'NoTraffic').map((e) => e.message);
    expect(first).toBe(
      'Halt advancement of podinfo.test: no traffic to judge request-success-rate and request-duration: no requests to deployment test/podinfo recorded in the last 1m (failed checks 1/2)',
    );
  });

  test('a metrics API that is not served is a failed check, and Ready names it until it answers again', async () => {
    const world = await initializedWorld(makeCanary({ threshold: 5, metrics: [successRate] }));
    let served = false;
    world.metrics = (name) => (served ? { name, result: 'value', value: 99.9 } : { name, result: 'error', reason: 'TrafficMetrics API not served', errorReason: 'MetricsApiNotServed' });
    world.newRevision('rev-2');
    await world.run(3);
    expect(condition(world, 'Ready')).toMatchObject({ status: 'False', reason: 'MetricsApiNotServed' });
    await world.tick(); // not due: no measurement, the reason is kept
    expect(condition(world, 'Ready')).toMatchObject({ status: 'False', reason: 'MetricsApiNotServed' });
    served = true;
    world.clock.advance(MINUTE);
    await world.tick();
    // Measured again: the run goes on, so Ready stays False, now for the rollout itself.
    expect(condition(world, 'Ready')).toMatchObject({ status: 'False', reason: 'Progressing' });
    expect(condition(world, 'Reconciling')?.status).toBe('True');
  });
});
