import { EngineHarness, NAMESPACE, quickAnalysis } from './engine-harness.ts';

const HEALTHY = { kind: 'metrics', success: 995, failure: 1, p99Ms: 120 } as const;

describe('canary engine strategies through the real controller', () => {
  let world: EngineHarness | undefined;

  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });

  /** A world with podinfo:6.0.0 initialized under a Canary with `analysis`, and healthy metrics scripted. */
  async function initialized(analysis: Parameters<EngineHarness['createCanary']>[1]['analysis'], split?: string[]): Promise<EngineHarness> {
    world = await EngineHarness.start(split ? { split } : {});
    await world.createDeployment('podinfo', 'podinfo:6.0.0');
    await world.createCanary('podinfo', { analysis });
    await world.startController();
    await world.waitForPhase('podinfo', 'Initialized');
    world.traffic.set('podinfo', { ...HEALTHY });
    return world;
  }

  async function primaryImage(w: EngineHarness): Promise<string | undefined> {
    const primary = await w.apps.readNamespacedDeployment({ name: 'podinfo-primary', namespace: NAMESPACE });
    return primary.spec?.template.spec?.containers[0].image;
  }

  test('stepWeights walk the listed weights in order, then promote', async () => {
    const w = await initialized(quickAnalysis({ stepWeight: undefined, maxWeight: undefined, stepWeights: [10, 30, 50] }));
    await w.setImage('podinfo', 'podinfo:6.0.1');
    await w.waitForPhase('podinfo', 'Succeeded');

    expect(w.weightHistory).toEqual([0, 10, 30, 50, 0]);
    expect(await primaryImage(w)).toBe('podinfo:6.0.1');
    const events = await w.events('podinfo');
    expect(events.some((e) => /^Advance: .*canary weight 10 → 30/.test(e))).toBe(true);
    expect(events.some((e) => /^Advance: .*canary weight 30 → 50/.test(e))).toBe(true);
  });

  test('stepWeightPromotion hands traffic back to the primary in steps after promotion', async () => {
    const w = await initialized(quickAnalysis({ stepWeight: 30, maxWeight: 60, stepWeightPromotion: 25 }));
    await w.setImage('podinfo', 'podinfo:6.0.1');
    await w.waitForPhase('podinfo', 'Succeeded');

    // 60 → 35 → 10 → 0: the canary's share shrinks by the promotion step each tick.
    expect(w.weightHistory).toEqual([0, 30, 60, 35, 10, 0]);
    expect(await primaryImage(w)).toBe('podinfo:6.0.1');
    const events = await w.events('podinfo');
    expect(events.some((e) => /^Promoting: .*primary weight 40 → 65/.test(e))).toBe(true);
    expect(events.some((e) => /^Promoting: .*primary weight 65 → 90/.test(e))).toBe(true);
    // The primary must be running the new revision before it takes traffic back.
    const promotingAt = w.phaseHistory.indexOf('Promoting');
    expect(promotingAt).toBeGreaterThan(w.phaseHistory.indexOf('Progressing'));
    expect(w.phaseHistory.slice(promotingAt)).toEqual(expect.arrayContaining(['Finalising', 'Succeeded']));
  });

  test('blue/green counts its iterations, then promotes', async () => {
    const w = await initialized(quickAnalysis({ stepWeight: undefined, maxWeight: undefined, iterations: 3 }));
    const seen = new Set<number>();
    await w.setImage('podinfo', 'podinfo:6.0.1');
    await w.waitForStatus(
      'podinfo',
      (s) => {
        if (s.iterations !== undefined) seen.add(s.iterations);
        return s.phase === 'Succeeded';
      },
      'Succeeded',
    );

    expect(Math.max(...seen)).toBe(3);
    const events = await w.events('podinfo');
    for (const n of [1, 2, 3]) expect(events.some((e) => e.startsWith('Advance: ') && e.includes(`iteration ${n}/3`))).toBe(true);
    expect(events.some((e) => e.includes('iteration 4/3'))).toBe(false);
    // Blue/green analyses the canary through its own service, then switches everyone to it at once while
    // the primary rolls out the new spec, and back to the primary when that is ready: never a partial weight.
    expect(w.weightHistory).toEqual([0, 100, 0]);
    expect(events.some((e) => /^Promoting: Routing all traffic to .*canary/.test(e))).toBe(true);
    expect(await primaryImage(w)).toBe('podinfo:6.0.1');
  });

  test('A/B testing writes an HTTPRouteGroup from the matches, references it from the split, and promotes', async () => {
    const match = [{ headers: { 'x-canary': { exact: 'insider' } } }];
    const w = await initialized(quickAnalysis({ stepWeight: undefined, maxWeight: undefined, iterations: 3, interval: '400ms', match }));
    await w.setImage('podinfo', 'podinfo:6.0.1');

    // While the run is on, matching requests go to the canary through the route group.
    let routeGroup: { spec?: { matches?: { name: string; headers?: Record<string, string> }[] } } | undefined;
    await w.waitFor(async () => {
      const split = await w.readSplit('podinfo');
      if (!split.spec.matches?.some((m) => m.kind === 'HTTPRouteGroup' && m.name === 'podinfo')) return false;
      routeGroup = (await w.custom.getNamespacedCustomObject({ group: 'specs.smi-spec.io', version: 'v1alpha4', namespace: NAMESPACE, plural: 'httproutegroups', name: 'podinfo' })) as never;
      return true;
    }, 'the split to reference an HTTPRouteGroup');
    expect(JSON.stringify(routeGroup?.spec?.matches)).toContain('x-canary');
    expect(JSON.stringify(routeGroup?.spec?.matches)).toContain('insider');

    await w.waitForPhase('podinfo', 'Succeeded');
    expect(await primaryImage(w)).toBe('podinfo:6.0.1');
    // The split's weights apply to matching requests only: all of them go to the canary during the run.
    expect(w.weightHistory).toEqual([0, 100, 0]);
    // After promotion nothing is routed by header any more.
    const split = await w.readSplit('podinfo');
    expect(split.spec.matches ?? []).toEqual([]);
    const events = await w.events('podinfo');
    expect(events.some((e) => e.startsWith('Advance: ') && e.includes('iteration 3/3'))).toBe(true);
  });

  test('A/B testing on a cluster serving only TrafficSplit v1alpha2 is Ready=False and nothing moves', async () => {
    const match = [{ headers: { 'x-canary': { exact: 'insider' } } }];
    const w = await initialized(quickAnalysis({ stepWeight: undefined, maxWeight: undefined, iterations: 3, match }), ['v1alpha2']);
    expect(w.splitVersion).toBe('v1alpha2');
    await w.setImage('podinfo', 'podinfo:6.0.1');

    const status = await w.waitForStatus('podinfo', (s) => s.conditions?.some((c) => c.type === 'Ready' && c.status === 'False') ?? false, 'Ready=False');
    const ready = status.conditions!.find((c) => c.type === 'Ready')!;
    expect(ready.reason).toBe('ABTestingNotSupported');
    expect(ready.message).toMatch(/v1alpha3/);
    await w.waitFor(async () => (await w.events('podinfo')).some((e) => e.startsWith('ABTestingNotSupported: ')), 'an ABTestingNotSupported Event');

    // Give the controller a few ticks to prove it stays put.
    await w.waitForTicks('podinfo', 4);
    expect((await w.status('podinfo')).phase).toBe('Initialized');
    expect(w.weightHistory.every((weight) => weight === 0)).toBe(true);
    expect(await primaryImage(w)).toBe('podinfo:6.0.0');
    expect((await w.apps.readNamespacedDeployment({ name: 'podinfo', namespace: NAMESPACE })).spec?.replicas).toBe(0);
  });
});
