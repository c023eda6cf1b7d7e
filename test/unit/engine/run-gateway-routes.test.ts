import type { CanaryAnalysis } from '../../../src/api/canary.ts';
import { MINUTE, World, makeCanary, quickAnalysis, startedWorld } from './world.ts';

/**
 * The engine's rules for routes that report on themselves (Gateway API HTTPRoutes): a route its parents
 * did not accept holds the run, a person's weight edit is put back and reported once, mirroring and
 * session affinity follow the run. Whole runs on the World's scheduler and fake clock, read as a person
 * would: weights over time, phases, conditions, Events, and what the router was asked to write.
 */

const healthy = (world: World) => {
  world.metrics = (name) => ({ name, result: 'value', value: name === 'request-duration' ? 120 : 99.9 });
};

/** A World whose router reports like the Gateway API router: fresh weights, an accepted route. */
async function gatewayWorld(analysis: Partial<CanaryAnalysis> = quickAnalysis(), spec: Parameters<typeof makeCanary>[1] = {}): Promise<World> {
  const world = await startedWorld(makeCanary(analysis, { provider: 'gatewayapi', ...spec }));
  world.weightsFresh = true;
  world.routeStatus = { state: 'accepted' };
  healthy(world);
  return world;
}

const ready = (world: World) => world.status.conditions?.find((c) => c.type === 'Ready');

describe('a route its parents did not accept', () => {
  test('holds the run with the parent\'s reason on Ready, once as an Event, and resumes when accepted', async () => {
    const world = await gatewayWorld();
    world.newRevision('rev-2');
    await world.advanceUntil((w) => w.weightHistory.at(-1) === 20);
    world.routeStatus = { state: 'refused', reason: 'NotAllowedByListeners', message: 'Gateway gateway-system/public (listener https) did not accept HTTPRoute test/podinfo: NotAllowedByListeners: no listener allows routes from namespace test' };
    const ticks = world.scheduledTicks;
    await world.advance(5 * MINUTE);
    expect(world.scheduledTicks - ticks).toBeGreaterThanOrEqual(5);
    expect(world.weightHistory.at(-1)).toBe(20);
    expect(world.phase).toBe('Progressing');
    expect(ready(world)).toMatchObject({ status: 'False', reason: 'RouteNotAccepted', message: expect.stringMatching(/NotAllowedByListeners: no listener allows routes from namespace test: the run of podinfo\.test holds at canary weight 20/) });
    expect(world.eventLines().filter((e) => e.startsWith('RouteNotAccepted: '))).toHaveLength(1);
    // No metric was judged on weights that moved no traffic.
    expect(world.status.failedChecks).toBe(0);

    world.routeStatus = { state: 'accepted' };
    await world.advance(10 * MINUTE);
    expect(world.phase).toBe('Succeeded');
    expect(world.weightHistory).toEqual([0, 20, 40, 60, 0]);
    expect(ready(world)).toMatchObject({ status: 'True' });
  });

  test('parents that have not yet seen the latest weights hold the run quietly', async () => {
    const world = await gatewayWorld();
    world.newRevision('rev-2');
    await world.advanceUntil((w) => w.weightHistory.at(-1) === 20);
    world.routeStatus = { state: 'pending' };
    const events = world.events.length;
    await world.advance(3 * MINUTE);
    expect(world.weightHistory.at(-1)).toBe(20);
    expect(world.events.length).toBe(events);
    // Quietly: the run's own conditions (kstatus: under way, not ready until promoted), no reason of a fault.
    expect(ready(world)).toMatchObject({ status: 'False', reason: 'Progressing' });
    expect(world.status.conditions?.find((c) => c.type === 'Reconciling')).toMatchObject({ status: 'True', reason: 'Progressing' });
    world.routeStatus = { state: 'accepted' };
    await world.advance(MINUTE);
    expect(world.weightHistory.at(-1)).toBe(40);
  });

  test('is rolled back when it stays refused past the progress deadline', async () => {
    const world = await gatewayWorld(quickAnalysis(), { progressDeadlineSeconds: 120 });
    world.newRevision('rev-2');
    await world.advanceUntil((w) => w.weightHistory.at(-1) === 20);
    world.routeStatus = { state: 'refused', reason: 'NoParentStatus', message: 'no parent reported on HTTPRoute test/podinfo' };
    await world.advance(5 * MINUTE);
    expect(world.phase).toBe('Failed');
    expect(world.status.failureReason).toBe('RouteNotAccepted');
    expect(world.weightHistory).toEqual([0, 20, 0]);
    expect(world.eventLines()).toEqual(expect.arrayContaining([expect.stringMatching(/^RouteNotAccepted: Rolling back podinfo\.test: the route was not in force for 120s \(NoParentStatus: /)]));
  });

  test('a router without route status (SMI) never holds a run', async () => {
    const world = await startedWorld(makeCanary(quickAnalysis()));
    healthy(world);
    world.newRevision('rev-2');
    await world.advance(10 * MINUTE);
    expect(world.phase).toBe('Succeeded');
  });
});

describe("a person's edit to the route's weights", () => {
  test('is put back at the next tick and reported once', async () => {
    const world = await gatewayWorld(quickAnalysis({ webhooks: [{ name: 'approval', type: 'confirm-promotion', url: 'http://approval/' }] }));
    let approved = false;
    world.gates = (type) => (type === 'confirm-promotion' ? approved : type !== 'rollback');
    world.newRevision('rev-2');
    await world.advanceUntil((w) => w.phase === 'WaitingPromotion');
    // Held at the top step: nothing but the edit moves the weights, so Kanari's 60 comes back.
    world.editRouteWeights(100);
    await world.advanceToNextTick();
    const reverts = () => world.eventLines().filter((e) => e.startsWith('WeightsReverted: '));
    expect(world.weights).toEqual({ canary: 60, primary: 40 });
    expect(reverts()).toEqual(['WeightsReverted: The route of podinfo.test was changed outside Kanari to canary 100% / primary 0%; put back to canary 60% (change the Canary, not its route)']);
    await world.advance(3 * MINUTE);
    expect(reverts()).toHaveLength(1);
    approved = true;
    await world.advance(5 * MINUTE);
    expect(world.phase).toBe('Succeeded');
    // Kanari's writes: the steps, 60 once more to put it back, 0 after promotion.
    expect(world.weightHistory).toEqual([0, 20, 40, 60, 60, 0]);
  });

  test('made just before a step is overwritten by the step and still reported', async () => {
    const world = await gatewayWorld();
    world.newRevision('rev-2');
    await world.advanceUntil((w) => w.weightHistory.at(-1) === 20);
    world.editRouteWeights(5);
    await world.advanceToNextTick();
    expect(world.weights).toEqual({ canary: 40, primary: 60 });
    expect(world.eventLines().filter((e) => e.startsWith('WeightsReverted: '))).toEqual([
      'WeightsReverted: The route of podinfo.test was changed outside Kanari to canary 5% / primary 95%; Kanari routes canary 40% now (change the Canary, not its route)',
    ]);
  });

  test('is put back in an idle Canary too: a failed canary gets no traffic', async () => {
    const world = await gatewayWorld();
    world.editRouteWeights(30);
    await world.advance(MINUTE);
    expect(world.weights).toEqual({ canary: 0, primary: 100 });
    expect(world.eventLines().filter((e) => e.startsWith('WeightsReverted: '))).toHaveLength(1);
  });

  test('is left alone by a router that cannot tell it from a stale read (SMI)', async () => {
    const world = await startedWorld(makeCanary(quickAnalysis()));
    world.editRouteWeights(30);
    await world.advance(MINUTE);
    expect(world.weights).toEqual({ canary: 30, primary: 70 });
    expect(world.eventLines().some((e) => e.startsWith('WeightsReverted: '))).toBe(false);
  });

  test("is not confused with Kanari's own latest write when the status read this tick predates it", async () => {
    const world = await gatewayWorld(quickAnalysis({ interval: '5m' }));
    world.newRevision('rev-2');
    await world.advanceUntil((w) => w.weightHistory.at(-1) === 20);
    // The controller's cache still holds the Canary as it was before that write; the router knows the
    // route is exactly as its own last write left it.
    world.canary = { ...world.canary, status: { ...world.status, canaryWeight: 0, routedWeight: 0 } };
    world.ownWrite = true;
    await world.tick();
    expect(world.weights).toEqual({ canary: 20, primary: 80 });
    expect(world.eventLines().some((e) => e.startsWith('WeightsReverted: '))).toBe(false);
  });

  test("is not confused with Kanari's own write repeated after a crash before the status write", async () => {
    const world = new World(makeCanary(quickAnalysis(), { provider: 'gatewayapi' }));
    world.weightsFresh = true;
    world.routeStatus = { state: 'accepted' };
    healthy(world);
    for (let tick = 0; tick < 30 && world.phase !== 'Succeeded'; tick++) {
      if (tick === 2) world.newRevision('rev-2');
      const first = await world.crashingTick();
      if (first.crashed) await world.tick();
      world.clock.advance(MINUTE);
    }
    expect(world.phase).toBe('Succeeded');
    expect(world.weightHistory).toEqual([0, 20, 40, 60, 0]);
    expect(world.eventLines().some((e) => e.startsWith('WeightsReverted: '))).toBe(false);
  });
});

test('a route that drifted from the spec (parents, hosts, filters) is re-synced without touching the weights', async () => {
  const world = await gatewayWorld();
  world.routeCurrent = false;
  const ensured = world.actionLog.filter((a) => a.type === 'ensureRoute').length;
  await world.advance(MINUTE);
  expect(world.actionLog.filter((a) => a.type === 'ensureRoute').length).toBe(ensured + 1);
  expect(world.routeCurrent).toBe(true);
  expect(world.weightHistory).toEqual([0]);
});

describe('mirroring', () => {
  test('a weighted canary mirrors for one step before its first weight, and is judged on the mirrored requests', async () => {
    const world = await gatewayWorld(quickAnalysis({ mirror: true, mirrorWeight: 50 }));
    world.mirrorPercent = true;
    world.newRevision('rev-2');
    await world.advance(10 * MINUTE);
    expect(world.phase).toBe('Succeeded');
    const writes = world.routeWrites.slice(1).map((w) => `${w.canary}${w.mirrored ? ' mirrored' : ''}`);
    expect(writes).toEqual(['0', '0 mirrored', '20', '40', '60', '0']);
    expect(world.eventLines()).toEqual(expect.arrayContaining(['Mirroring: Mirroring 50% of requests to podinfo.test canary; users are answered by the primary']));
    // The step after the mirror step was taken on metrics measured while mirroring.
    const mirrored = world.steps.findIndex((s) => s.decision.status.trafficMirrored);
    expect(world.steps[mirrored + 1].gathered.some((g) => g.metrics)).toBe(true);
  });

  test('blue/green mirrors every iteration, then switches users to the canary without mirroring', async () => {
    const world = await gatewayWorld(quickAnalysis({ stepWeight: undefined, maxWeight: undefined, iterations: 3, mirror: true }));
    world.newRevision('rev-2');
    await world.advance(10 * MINUTE);
    expect(world.phase).toBe('Succeeded');
    expect(world.routeWrites.slice(1).map((w) => `${w.canary}${w.mirrored ? ' mirrored' : ''}`)).toEqual(['0', '0 mirrored', '100', '0']);
    expect(world.eventLines()).toEqual(expect.arrayContaining(['Mirroring: Mirroring every request to podinfo.test canary; users are answered by the primary']));
  });

  test('says when the installed route API cannot mirror a share', async () => {
    const world = await gatewayWorld(quickAnalysis({ stepWeight: undefined, maxWeight: undefined, iterations: 2, mirror: true, mirrorWeight: 10 }));
    world.mirrorPercent = false;
    world.newRevision('rev-2');
    await world.advance(2 * MINUTE);
    expect(world.eventLines()).toEqual(expect.arrayContaining([expect.stringMatching(/^Mirroring: Mirroring every request \(mirrorWeight 10 needs an HTTPRoute CRD with mirror percent, Gateway API v1\.2\+\)/)]));
  });

  test('a rollback stops mirroring', async () => {
    const world = await gatewayWorld(quickAnalysis({ stepWeight: undefined, maxWeight: undefined, iterations: 5, mirror: true }));
    world.newRevision('rev-2');
    await world.advanceUntil((w) => w.status.trafficMirrored === true);
    world.metrics = (name) => ({ name, result: 'value', value: name === 'request-duration' ? 120 : 50 });
    await world.advance(5 * MINUTE);
    expect(world.phase).toBe('Failed');
    expect(world.routeWrites.at(-1)).toEqual({ canary: 0, mirrored: false });
    expect(world.status.trafficMirrored).toBeUndefined();
  });
});

describe('session affinity', () => {
  const sticky = quickAnalysis({ sessionAffinity: { cookieName: 'canary', maxAge: 600, primaryCookieName: 'stable' } });

  test('the run gets its cookies when the canary first gets weight; the router writes them from the start; they expire after the run', async () => {
    const world = await gatewayWorld(sticky);
    world.newRevision('rev-2');
    await world.advance(10 * MINUTE);
    expect(world.phase).toBe('Succeeded');
    const during = world.routeWrites.filter((w) => w.canary > 0);
    const cookie = during[0].cookie;
    expect(cookie).toMatch(/^canary=rev-2-[0-9a-z]+$/);
    expect(during.map((w) => [w.canary, w.cookie, w.primaryCookie])).toEqual([20, 40, 60].map((weight) => [weight, cookie, cookie!.replace(/^canary=/, 'stable=')]));
    expect(world.routeWrites.at(-1)).toEqual({ canary: 0, mirrored: false, previousCookie: cookie });
    expect(world.status.sessionAffinityCookie).toBeUndefined();
    expect(world.status.previousSessionAffinityCookie).toBe(cookie);
  });

  test('a restarted controller keeps the cookie of the run (it lives in the status)', async () => {
    const world = await gatewayWorld(sticky);
    world.newRevision('rev-2');
    await world.advanceUntil((w) => w.weightHistory.at(-1) === 20);
    const cookie = world.status.sessionAffinityCookie;
    // A new controller: nothing in memory, only the Canary (with its status) and the cluster.
    const restarted = new World(world.canary);
    Object.assign(restarted, { revision: world.revision, target: world.target, primary: world.primary, primaryRevision: world.primaryRevision, weights: world.weights, weightsFresh: true, routeStatus: { state: 'accepted' } });
    restarted.clock.advance(world.now - restarted.now);
    healthy(restarted);
    restarted.start();
    await restarted.advance(10 * MINUTE);
    expect(restarted.phase).toBe('Succeeded');
    expect(restarted.routeWrites.filter((w) => w.canary > 0).map((w) => w.cookie)).toEqual([cookie, cookie]);
  });

  test('a new run gets a new cookie, and a retry of the same revision too', async () => {
    const world = await gatewayWorld(sticky);
    world.newRevision('rev-2');
    await world.advanceUntil((w) => w.weightHistory.at(-1) === 20);
    const first = world.status.sessionAffinityCookie;
    world.metrics = (name) => ({ name, result: 'value', value: name === 'request-duration' ? 120 : 50 });
    await world.advanceUntil((w) => w.phase === 'Failed');
    healthy(world);
    world.annotate('retry', 'alice');
    await world.advanceUntil((w) => w.weightHistory.at(-1) === 20 && w.phase === 'Progressing');
    expect(world.status.sessionAffinityCookie).toMatch(/^canary=rev-2-/);
    expect(world.status.sessionAffinityCookie).not.toBe(first);
    expect(world.status.previousSessionAffinityCookie).toBe(first);
  });
});
