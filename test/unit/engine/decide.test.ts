import type { CanaryWebhook } from '../../../src/api/canary.ts';
import { MINUTE, World, initializedWorld, makeCanary, unreadyWorkload } from './world.ts';

const successRate = { name: 'request-success-rate', thresholdRange: { min: 99 } };
const duration = { name: 'request-duration', thresholdRange: { max: 500 } };
const hook = (type: CanaryWebhook['type'], name: string = type ?? 'rollout'): CanaryWebhook => ({ name, type, url: `http://hooks/${name}` });

function condition(world: World, type: string) {
  return world.status.conditions?.find((c) => c.type === type);
}

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

describe('gates', () => {
  test('confirm-rollout closed: the run waits in Waiting and starts when it opens', async () => {
    let open = false;
    const world = await initializedWorld(makeCanary({ webhooks: [hook('confirm-rollout')] }));
    world.gates = () => open;
    world.newRevision('rev-2');
    await world.run(2);
    expect(world.phase).toBe('Waiting');
    expect(world.notifications.map((n) => n.kind)).toEqual(['waiting-approval']);
    expect(world.target.desiredReplicas).toBe(0);
    open = true;
    await world.tick();
    expect(world.phase).toBe('Progressing');
  });

  test('pre-rollout runs on the first analysis tick only; its failure counts as a failed check', async () => {
    let preOk = false;
    const world = await initializedWorld(makeCanary({ threshold: 5, webhooks: [hook('pre-rollout'), hook('rollout')] }));
    world.gates = (type) => (type === 'pre-rollout' ? preOk : true);
    world.newRevision('rev-2');
    await world.run(2);
    expect(world.status.failedChecks).toBe(1);
    expect(world.weightHistory).toEqual([0]);
    preOk = true;
    await world.runUntil(['Succeeded']);
    expect(world.gateCalls.filter((c) => c.type === 'pre-rollout')).toHaveLength(2);
    expect(world.gateCalls.filter((c) => c.type === 'rollout')).toHaveLength(3);
    expect(world.weightHistory).toEqual([0, 10, 20, 30, 0]);
  });

  test('a failing rollout hook counts as a failed check and stops that tick', async () => {
    const world = await initializedWorld(makeCanary({ threshold: 2, webhooks: [hook('rollout', 'load-test')] }));
    world.gates = () => false;
    world.newRevision('rev-2');
    await world.runUntil(['Failed']);
    expect(world.weightHistory).toEqual([0, 10, 0]);
  });

  test('confirm-traffic-increase closed holds the weight; no failed check', async () => {
    let open = true;
    const world = await initializedWorld(makeCanary({ webhooks: [hook('confirm-traffic-increase')] }));
    world.gates = () => open;
    world.newRevision('rev-2');
    await world.run(2);
    open = false;
    await world.run(4);
    expect(world.weightHistory).toEqual([0, 10]);
    expect(world.status.failedChecks).toBe(0);
    // Recorded once, with the time the gate first held the step, so kanari status can say so.
    const since = world.status.trafficIncreaseWaitingSince;
    expect(since).toBeDefined();
    await world.run(2);
    expect(world.status.trafficIncreaseWaitingSince).toBe(since);
    open = true;
    await world.runUntil(['Succeeded']);
    expect(world.weightHistory).toEqual([0, 10, 20, 30, 0]);
    expect(world.status.trafficIncreaseWaitingSince).toBeUndefined();
  });

  test('confirm-promotion closed: WaitingPromotion, checks keep running, promotes when opened', async () => {
    let open = false;
    const world = await initializedWorld(makeCanary({ threshold: 9, metrics: [successRate], webhooks: [hook('confirm-promotion')] }));
    world.gates = () => open;
    let measured = 0;
    world.metrics = (name) => {
      measured++;
      return { name, result: 'value', value: 99.9 };
    };
    world.newRevision('rev-2');
    await world.run(6);
    expect(world.phase).toBe('WaitingPromotion');
    const before = measured;
    await world.run(2);
    expect(measured).toBe(before + 2);
    open = true;
    await world.runUntil(['Succeeded']);
    expect(world.weightHistory).toEqual([0, 10, 20, 30, 0]);
  });

  test('a closed approval gate alerts that it waits, unless its hook asks for muteAlert (the Event stays)', async () => {
    for (const muteAlert of [false, true]) {
      const world = await initializedWorld(makeCanary({ threshold: 9, metrics: [successRate], webhooks: [{ ...hook('confirm-promotion'), muteAlert }] }));
      world.gates = () => false;
      world.metrics = (name) => ({ name, result: 'value', value: 99.9 });
      world.newRevision('rev-2');
      await world.run(6);
      expect(world.phase).toBe('WaitingPromotion');
      const waiting = world.notifications.filter((n) => n.kind === 'waiting-approval');
      expect(waiting).toHaveLength(muteAlert ? 0 : 1);
      expect(world.eventMessages().some((m) => m.includes('waiting for approval'))).toBe(true);
    }
  });

  test('a rollback hook answering 2xx rolls back at once', async () => {
    let rollback = false;
    const world = await initializedWorld(makeCanary({ threshold: 9, webhooks: [hook('rollback')] }));
    world.gates = () => rollback;
    world.newRevision('rev-2');
    await world.run(3);
    rollback = true;
    await world.tick();
    expect(world.phase).toBe('Failed');
    expect(world.status.failureReason).toBe('RollbackHook');
  });

  test('each webhook is asked at most once per tick', async () => {
    const world = await initializedWorld(makeCanary({ metrics: [successRate], webhooks: [hook('rollout'), hook('rollback'), hook('confirm-traffic-increase')] }));
    world.newRevision('rev-2');
    await world.run(3);
    const thirdTick = world.steps.at(-1);
    expect(thirdTick?.gathered).toEqual([
      { gates: ['rollback', 'rollout'], metrics: true },
      { gates: ['confirm-traffic-increase'], metrics: false },
    ]);
  });
});

describe('blue/green and A/B', () => {
  test('blue/green counts iterations without moving weights, then switches all traffic to the canary while the primary is promoted', async () => {
    const world = await initializedWorld(makeCanary({ stepWeight: undefined, maxWeight: undefined, iterations: 3, metrics: [successRate] }));
    world.newRevision('rev-2');
    await world.runUntil(['Succeeded']);
    expect(world.steps.map((s) => s.decision.status.iterations)).toEqual([0, 0, 1, 2, 3, 3, 3]);
    expect(world.weightHistory).toEqual([0, 100, 0]);
    // The promotion alert counts iterations, as the status and the progress views do, not weight steps.
    const finished = world.notifications.find((n) => n.kind === 'promotion-finished');
    expect(finished?.facts).toMatchObject({ iterations: 3 });
    expect(finished?.facts.steps).toBeUndefined();
  });

  test('A/B writes the header matches, routes matched traffic to the canary, removes them at promotion', async () => {
    const match = [{ headers: { 'x-canary': { exact: 'insider' } } }];
    const world = await initializedWorld(makeCanary({ stepWeight: undefined, maxWeight: undefined, iterations: 2, match }));
    world.newRevision('rev-2');
    await world.run(2);
    expect(world.matches).toEqual(match);
    expect(world.weights).toEqual({ canary: 100, primary: 0 });
    await world.runUntil(['Succeeded']);
    expect(world.matches).toEqual([]);
    expect(world.weights).toEqual({ canary: 0, primary: 100 });
  });

  test('A/B without TrafficSplit v1alpha3+ is Ready=False with a clear reason and does not start', async () => {
    const world = await initializedWorld(makeCanary({ stepWeight: undefined, maxWeight: undefined, iterations: 2, match: [{ headers: { x: { exact: 'y' } } }] }));
    world.abTesting = false;
    world.newRevision('rev-2');
    await world.run(2);
    expect(world.phase).toBe('Initialized');
    expect(condition(world, 'Ready')).toMatchObject({ status: 'False', reason: 'ABTestingNotSupported' });
  });
});

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
