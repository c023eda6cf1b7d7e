import { EngineHarness, NAMESPACE, quickAnalysis } from './engine-harness.ts';

/**
 * One promotion and one rollback end to end: the adapters against the API server (primary, Services,
 * TrafficSplit, TrafficMetrics, Events, status). The rollout rules themselves, including no-traffic
 * checks, are unit tests on the engine's World (test/unit/engine/run-*.test.ts).
 */
describe('canary engine: promotion and rollback through the real controller', () => {
  let world: EngineHarness;

  beforeEach(async () => {
    world = await EngineHarness.start();
  });
  afterEach(() => world.stop());

  test('initializes, then promotes a healthy new revision step by step', async () => {
    await world.createDeployment('podinfo', 'podinfo:6.0.0');
    await world.createCanary('podinfo', { analysis: quickAnalysis() });
    await world.startController();

    await world.waitForPhase('podinfo', 'Initialized');
    const primary = await world.apps.readNamespacedDeployment({ name: 'podinfo-primary', namespace: NAMESPACE });
    expect(primary.spec?.template.spec?.containers[0].image).toBe('podinfo:6.0.0');
    expect(primary.spec?.selector.matchLabels).toEqual({ app: 'podinfo-primary' });
    expect((await world.apps.readNamespacedDeployment({ name: 'podinfo', namespace: NAMESPACE })).spec?.replicas).toBe(0);
    const services = (await world.core.listNamespacedService({ namespace: NAMESPACE })).items.map((s) => s.metadata?.name).sort();
    expect(services).toEqual(['podinfo', 'podinfo-canary', 'podinfo-primary']);

    world.traffic.set('podinfo', { kind: 'metrics', success: 995, failure: 1, p99Ms: 120 });
    await world.setImage('podinfo', 'podinfo:6.0.1');
    await world.runUntilPhase('podinfo', 'Succeeded');

    expect(world.weightHistory).toEqual([0, 20, 40, 60, 0]);
    expect(world.phaseHistory).toEqual(expect.arrayContaining(['Initialized', 'Progressing', 'Promoting', 'Finalising', 'Succeeded']));
    const promoted = await world.apps.readNamespacedDeployment({ name: 'podinfo-primary', namespace: NAMESPACE });
    expect(promoted.spec?.template.spec?.containers[0].image).toBe('podinfo:6.0.1');
    expect((await world.apps.readNamespacedDeployment({ name: 'podinfo', namespace: NAMESPACE })).spec?.replicas).toBe(0);
    const events = await world.events('podinfo');
    expect(events.some((e) => /^Advance: .*canary weight 20 → 40: request-success-rate 99\.9/.test(e))).toBe(true);
    const status = await world.status('podinfo');
    expect(status.conditions?.find((c) => c.type === 'Promoted')?.status).toBe('True');
    expect(status.lastAnalysis?.map((a) => [a.metric, a.result])).toEqual([
      ['request-success-rate', 'pass'],
      ['request-duration', 'pass'],
    ]);
  });

  test('rolls back when the success rate stays under its threshold', async () => {
    await world.createDeployment('podinfo', 'podinfo:6.0.0');
    await world.createCanary('podinfo', { analysis: quickAnalysis() });
    await world.startController();
    await world.waitForPhase('podinfo', 'Initialized');

    world.traffic.set('podinfo', { kind: 'metrics', success: 80, failure: 20, p99Ms: 120 });
    await world.setImage('podinfo', 'podinfo:6.0.1');
    const status = await world.runUntilPhase('podinfo', 'Failed');

    expect(status.canaryWeight).toBe(0);
    expect(Math.max(...world.weightHistory)).toBeLessThanOrEqual(20);
    expect(world.weightHistory.at(-1)).toBe(0);
    const primary = await world.apps.readNamespacedDeployment({ name: 'podinfo-primary', namespace: NAMESPACE });
    expect(primary.spec?.template.spec?.containers[0].image).toBe('podinfo:6.0.0');
    expect((await world.apps.readNamespacedDeployment({ name: 'podinfo', namespace: NAMESPACE })).spec?.replicas).toBe(0);
    expect((await world.events('podinfo')).some((e) => e.startsWith('FailedChecks: Rolling back'))).toBe(true);
  });
});
