import { eventually } from '../../helpers/eventually.ts';
import { EngineHarness, NAMESPACE, quickAnalysis } from './engine-harness.ts';

const HEALTHY = { kind: 'metrics', success: 995, failure: 1, p99Ms: 120 } as const;

/**
 * A/B testing against the router adapter: the HTTPRouteGroup it writes and the TrafficSplit versions it
 * can use. How stepWeights, stepWeightPromotion and blue/green runs step is unit-tested on the engine's
 * World (test/unit/engine/run-strategies.test.ts).
 */
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

  test('A/B testing writes an HTTPRouteGroup from the matches, references it from the split, and promotes', async () => {
    const match = [{ headers: { 'x-canary': { exact: 'insider' } } }];
    const w = await initialized(quickAnalysis({ stepWeight: undefined, maxWeight: undefined, iterations: 3, match }));
    await w.setImage('podinfo', 'podinfo:6.0.1');

    // While the run is on, matching requests go to the canary through the route group.
    type RouteGroup = { spec?: { matches?: { name: string; headers?: Record<string, string> }[] } };
    const routeGroup = await eventually('the split to reference an HTTPRouteGroup', async () => {
      const split = await w.readSplit('podinfo');
      if (!split.spec.matches?.some((m) => m.kind === 'HTTPRouteGroup' && m.name === 'podinfo')) return false;
      return (await w.custom.getNamespacedCustomObject({ group: 'specs.smi-spec.io', version: 'v1alpha4', namespace: NAMESPACE, plural: 'httproutegroups', name: 'podinfo' })) as RouteGroup;
    });
    expect(JSON.stringify(routeGroup?.spec?.matches)).toContain('x-canary');
    expect(JSON.stringify(routeGroup?.spec?.matches)).toContain('insider');

    await w.runUntilPhase('podinfo', 'Succeeded');
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
    await eventually('an ABTestingNotSupported Event', async () => (await w.events('podinfo')).some((e) => e.startsWith('ABTestingNotSupported: ')));

    // Four analysis intervals pass, each with a tick: it stays put.
    await w.passIntervals('podinfo', 4);
    expect((await w.status('podinfo')).phase).toBe('Initialized');
    expect(w.weightHistory.every((weight) => weight === 0)).toBe(true);
    expect(await primaryImage(w)).toBe('podinfo:6.0.0');
    expect((await w.apps.readNamespacedDeployment({ name: 'podinfo', namespace: NAMESPACE })).spec?.replicas).toBe(0);
  });
});
