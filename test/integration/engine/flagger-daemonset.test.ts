import { eventually } from '../../helpers/eventually.ts';
import { EngineHarness, NAMESPACE, quickAnalysis } from './engine-harness.ts';
import { createDaemonSet, daemonSetImage, setDaemonSetImage, trafficSplitCount } from './flagger-targets.ts';

const HEALTHY = { kind: 'metrics', success: 995, failure: 1, p99Ms: 120 } as const;

/**
 * DaemonSet targets, as Flagger releases them (its e2e test-daemonset Canary: provider kubernetes,
 * blue/green, portDiscovery, revertOnDeletion), through the real controller and the sandbox's DaemonSet
 * controller: a primary DaemonSet, the target "scaled to zero" by a node selector, the Services with the
 * discovered ports, and a weighted run on a mesh as for any workload.
 */
describe('DaemonSet targets through the real controller', () => {
  let world: EngineHarness;

  beforeEach(async () => {
    world = await EngineHarness.start();
  });
  afterEach(() => world.stop());

  const readDaemonSet = (name: string) => world.apps.readNamespacedDaemonSet({ name, namespace: NAMESPACE });

  test('blue/green with provider kubernetes: no traffic API, a promoted primary DaemonSet, and revertOnDeletion gives the pods back', async () => {
    await createDaemonSet(world, 'agent', 'agent:1');
    await world.createCanary('agent', {
      provider: 'kubernetes',
      revertOnDeletion: true,
      targetRef: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent' },
      service: { port: 80, targetPort: 9898, portDiscovery: true },
      analysis: quickAnalysis({ stepWeight: undefined, maxWeight: undefined, iterations: 3 }),
    });
    await world.startController();
    await world.waitForPhase('agent', 'Initialized');

    // The primary runs on every node; the target runs on none.
    const primary = await readDaemonSet('agent-primary');
    expect(primary.spec?.selector.matchLabels).toEqual({ app: 'agent-primary' });
    expect(primary.status?.desiredNumberScheduled).toBe(2);
    const target = await readDaemonSet('agent');
    expect(target.spec?.template.spec?.nodeSelector).toEqual({ 'kanari.dev/scale-to-zero': 'true' });
    await eventually('the target to run no pod', async () => (await readDaemonSet('agent')).status?.desiredNumberScheduled === 0);
    // The Services carry the main port and the discovered one; the apex selects the primary.
    const apex = await world.core.readNamespacedService({ name: 'agent', namespace: NAMESPACE });
    expect(apex.spec?.selector).toEqual({ app: 'agent-primary' });
    expect(apex.spec?.ports?.map((p) => [p.name, p.port, String(p.targetPort)])).toEqual([['http', 80, '9898'], ['metrics', 9797, '9797']]);
    const canaryService = await world.core.readNamespacedService({ name: 'agent-canary', namespace: NAMESPACE });
    expect(canaryService.spec?.selector).toEqual({ app: 'agent' });

    world.traffic.set('agent', HEALTHY);
    await setDaemonSetImage(world, 'agent', 'agent:2');
    await world.waitForStatus('agent', (s) => s.phase === 'Progressing', 'phase Progressing');
    // The canary runs on every node again, by its own selector only.
    await eventually('the canary pods to run', async () => (await readDaemonSet('agent')).status?.desiredNumberScheduled === 2);
    expect((await readDaemonSet('agent')).spec?.template.spec?.nodeSelector ?? {}).toEqual({});

    await world.runUntilPhase('agent', 'Succeeded');
    expect(await daemonSetImage(world, 'agent-primary')).toBe('agent:2');
    expect(world.phaseHistory).toEqual(['Initializing', 'Initialized', 'Progressing', 'Promoting', 'Finalising', 'Succeeded']);
    expect((await world.status('agent')).canaryWeight).toBe(0);
    expect(await trafficSplitCount(world)).toBe(0);
    const events = await world.events('agent');
    expect(events.filter((e) => e.startsWith('Advance: ')).length).toBe(3);
    expect(events.some((e) => e.includes(`Routing all traffic to agent.${NAMESPACE} canary`))).toBe(false);

    await world.custom.deleteNamespacedCustomObject({ group: 'kanari.dev', version: 'v1alpha1', namespace: NAMESPACE, plural: 'canaries', name: 'agent' });
    await eventually('the primary DaemonSet to be removed', () => readDaemonSet('agent-primary').then(() => false, () => true));
    await eventually('the target to run on every node again', async () => (await readDaemonSet('agent')).status?.desiredNumberScheduled === 2);
    expect((await world.core.readNamespacedService({ name: 'agent', namespace: NAMESPACE })).spec?.selector).toEqual({ app: 'agent' });
  });

  test('a weighted canary on SMI steps a DaemonSet through the weights like a Deployment', async () => {
    await createDaemonSet(world, 'agent', 'agent:1');
    await world.createCanary('agent', { targetRef: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent' }, analysis: quickAnalysis() });
    await world.startController();
    await world.waitForPhase('agent', 'Initialized');
    world.traffic.set('agent', HEALTHY);
    await setDaemonSetImage(world, 'agent', 'agent:2');
    await world.runUntilPhase('agent', 'Succeeded');
    expect(world.weightHistory).toEqual([0, 20, 40, 60, 0]);
    expect(await daemonSetImage(world, 'agent-primary')).toBe('agent:2');
    const measured = (await world.status('agent')).lastAnalysis?.map((a) => [a.metric, a.result]);
    expect(measured).toEqual([['request-success-rate', 'pass'], ['request-duration', 'pass']]);
  });

  test('a missing DaemonSet target is reported as such', async () => {
    await world.createCanary('ghost', { targetRef: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'ghost' }, analysis: quickAnalysis() });
    await world.startController();
    const status = await world.waitForStatus('ghost', (s) => s.conditions?.some((c) => c.reason === 'TargetNotFound') ?? false, 'TargetNotFound');
    expect(status.conditions?.find((c) => c.type === 'Ready')?.message).toBe(`DaemonSet ghost not found in namespace ${NAMESPACE}`);
  });
});
