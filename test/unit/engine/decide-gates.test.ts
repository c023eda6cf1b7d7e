import { initializedWorld, makeCanary } from './world.ts';
import { condition, hook, successRate } from './decide-fixtures.ts';

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
