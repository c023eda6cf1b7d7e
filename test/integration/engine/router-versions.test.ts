import { EngineHarness, NAMESPACE, quickAnalysis } from './engine-harness.ts';

const HEALTHY = { kind: 'metrics', success: 995, failure: 1, p99Ms: 120 } as const;

describe('canary engine on clusters serving one TrafficSplit version', () => {
  let world: EngineHarness | undefined;

  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });

  async function primaryImage(w: EngineHarness): Promise<string | undefined> {
    const primary = await w.apps.readNamespacedDeployment({ name: 'podinfo-primary', namespace: NAMESPACE });
    return primary.spec?.template.spec?.containers[0].image;
  }

  test('v1alpha1 only (Linkerd-like): weights are written as Quantity strings, read back across a restart, and the canary promotes', async () => {
    const w = (world = await EngineHarness.start({ split: ['v1alpha1'] }));
    expect(w.splitVersion).toBe('v1alpha1');
    await w.createDeployment('podinfo', 'podinfo:6.0.0');
    await w.createCanary('podinfo', { analysis: quickAnalysis() });
    await w.startController();
    await w.waitForPhase('podinfo', 'Initialized');

    const initial = await w.readSplit('podinfo');
    expect(initial.apiVersion).toBe('split.smi-spec.io/v1alpha1');
    expect(initial.spec.backends).toEqual([
      { service: 'podinfo-canary', weight: '0' },
      { service: 'podinfo-primary', weight: '100' },
    ]);

    w.traffic.set('podinfo', { ...HEALTHY });
    await w.setImage('podinfo', 'podinfo:6.0.1');
    await w.waitForStatus('podinfo', (s) => s.phase === 'Progressing' && s.canaryWeight === 20, 'weight 20');
    // No interval passes until the test says so: the split is at the first step, as Quantity strings.
    const stepped = (await w.readSplit('podinfo')).spec.backends.map((b) => b.weight);
    expect(stepped).toEqual(['20', '80']);

    // A restarted controller learns the weight from the split's strings and carries on from there.
    await w.stopController();
    await w.startController();
    await w.runUntilPhase('podinfo', 'Succeeded');

    expect(w.weightHistory).toEqual([0, 20, 40, 60, 0]);
    expect(await primaryImage(w)).toBe('podinfo:6.0.1');
    const final = await w.readSplit('podinfo');
    expect(final.spec.backends.map((b) => b.weight)).toEqual(['0', '100']);
  });

  test('v1alpha4 only (SMI SDK): integer weights summing to 100, and the canary promotes', async () => {
    const w = (world = await EngineHarness.start({ split: ['v1alpha4'] }));
    expect(w.splitVersion).toBe('v1alpha4');
    await w.createDeployment('podinfo', 'podinfo:6.0.0');
    await w.createCanary('podinfo', { analysis: quickAnalysis() });
    await w.startController();
    await w.waitForPhase('podinfo', 'Initialized');

    w.traffic.set('podinfo', { ...HEALTHY });
    await w.setImage('podinfo', 'podinfo:6.0.1');
    await w.advanceUntil('podinfo', (s) => s.phase === 'Progressing' && s.canaryWeight === 40, 'weight 40');
    const stepped = await w.readSplit('podinfo');
    expect(stepped.apiVersion).toBe('split.smi-spec.io/v1alpha4');
    expect(stepped.spec.service).toBe('podinfo');
    expect(stepped.spec.backends.map((b) => b.service)).toEqual(['podinfo-canary', 'podinfo-primary']);
    const [canary, primary] = stepped.spec.backends.map((b) => b.weight);
    expect(Number.isInteger(canary) && Number.isInteger(primary)).toBe(true);
    expect(canary).toBe(40);
    expect(Number(canary) + Number(primary)).toBe(100);

    await w.runUntilPhase('podinfo', 'Succeeded');
    expect(w.weightHistory).toEqual([0, 20, 40, 60, 0]);
    expect(await primaryImage(w)).toBe('podinfo:6.0.1');
  });
});
