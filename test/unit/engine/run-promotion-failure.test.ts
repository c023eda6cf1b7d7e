import { MINUTE, initializedWorld, makeCanary } from './world.ts';

/**
 * Flagger's rule when the primary, already given the new spec, does not become ready while promoted:
 * the canary holds the only healthy copy of the revision just validated, so every user stays on (or
 * goes to) it, the canary keeps running, and the run is Failed with an Event and an alert that say so.
 * Routing back to the failing primary, as a rollback does, would be an outage.
 */
describe('the primary failing while promoted', () => {
  const successRate = { name: 'request-success-rate', thresholdRange: { min: 99 } };
  const notify = { name: 'notify', type: 'post-rollout' as const, url: 'http://hooks/notify' };

  test('a weighted run ends Failed with every request on the canary, which keeps its pods', async () => {
    const world = await initializedWorld(makeCanary({ stepWeight: 20, maxWeight: 60, metrics: [successRate], webhooks: [notify] }, { progressDeadlineSeconds: 120 }));
    world.primaryReadyAfterPromotion = false;
    world.newRevision('rev-2');
    await world.runUntil(['Promoting']);
    expect(world.weights).toEqual({ canary: 60, primary: 40 });
    await world.runUntil(['Failed']);

    expect(world.weights).toEqual({ canary: 100, primary: 0 });
    expect(world.weightHistory).toEqual([0, 20, 40, 60, 100]);
    expect(world.target.desiredReplicas).toBeGreaterThan(0);
    expect(world.status).toMatchObject({ phase: 'Failed', failureReason: 'PromotionFailed', canaryWeight: 100 });
    const promoted = world.status.conditions?.find((c) => c.type === 'Promoted');
    expect(promoted).toMatchObject({ status: 'False', reason: 'PromotionFailed' });
    expect(world.eventLines().at(-1)).toBe(
      'PromotionFailed: Promotion of podinfo.test failed: primary deployment not ready after 120s while being promoted: all traffic stays on the canary, which keeps running the validated revision',
    );
    expect(world.notifications.at(-1)).toMatchObject({ kind: 'promotion-failed', severity: 'error' });
    expect(world.notifications.at(-1)?.message).toContain('all traffic stays on the canary');
    expect(world.hooksRun).toEqual([{ hookType: 'post-rollout', phase: 'Failed' }]);
  });

  test('it waits the whole progress deadline: a primary that recovers in time is promoted', async () => {
    const world = await initializedWorld(makeCanary({}, { progressDeadlineSeconds: 300 }));
    world.primaryReadyAfterPromotion = false;
    world.newRevision('rev-2');
    await world.runUntil(['Promoting']);
    world.clock.advance(2 * MINUTE);
    await world.run(1);
    expect(world.phase).toBe('Promoting');
    world.primaryReadyAfterPromotion = true;
    world.primary = { ...world.primary!, updatedReplicas: 2, availableReplicas: 2, readyReplicas: 2, replicas: 2 };
    await world.runUntil(['Succeeded']);
    expect(world.weights).toEqual({ canary: 0, primary: 100 });
  });

  test('after the failure nothing moves until a new revision', async () => {
    const world = await initializedWorld(makeCanary({}, { progressDeadlineSeconds: 120 }));
    world.primaryReadyAfterPromotion = false;
    world.newRevision('rev-2');
    await world.runUntil(['Failed']);
    const actions = world.actionLog.length;
    await world.run(3);
    expect(world.phase).toBe('Failed');
    expect(world.actionLog.slice(actions).filter((a) => a.type === 'setWeights' || a.type === 'scaleCanary')).toEqual([]);
    expect(world.weights).toEqual({ canary: 100, primary: 0 });
  });

  test("with the kubernetes provider, which routes nothing, the canary keeps running and the Event says where users are", async () => {
    const world = await initializedWorld(makeCanary({ stepWeight: undefined, maxWeight: undefined, iterations: 2 }, { provider: 'kubernetes', progressDeadlineSeconds: 120 }));
    world.routesTraffic = false;
    world.primaryReadyAfterPromotion = false;
    world.newRevision('rev-2');
    await world.runUntil(['Failed']);
    expect(world.status).toMatchObject({ failureReason: 'PromotionFailed', canaryWeight: 0 });
    expect(world.target.desiredReplicas).toBeGreaterThan(0);
    expect(world.eventLines().at(-1)).toContain('the apex Service stays on the primary');
  });
});
