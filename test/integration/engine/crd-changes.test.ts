import { smiCrds } from '../../../src/sandbox/smi-crds.ts';
import { EngineHarness, quickAnalysis } from './engine-harness.ts';

describe('the served SMI versions are re-detected when their CRDs change', () => {
  let world: EngineHarness;

  beforeEach(async () => {
    world = await EngineHarness.start({ split: [] });
  });
  afterEach(() => world.stop());

  test('a Canary waiting for a missing TrafficSplit CRD initializes as soon as the mesh installs it', async () => {
    await world.createDeployment('podinfo', 'podinfo:1');
    await world.createCanary('podinfo', { analysis: quickAnalysis() });
    await world.startController();
    const waiting = await world.waitForStatus('podinfo', (s) => s.conditions?.some((c) => c.type === 'Ready' && c.status === 'False') ?? false, 'Ready=False');
    expect(waiting.conditions?.find((c) => c.type === 'Ready')?.message).toMatch(/TrafficSplit/);
    // Intervals pass and the Canary keeps waiting: nothing but the CRD can help.
    await world.passIntervals('podinfo', 2);
    expect((await world.status('podinfo')).phase).toBeUndefined();

    const installedAt = world.clock.now();
    await world.sandbox.installCrds(...(smiCrds({ split: ['v1alpha4'], specs: [], access: [] }) as never[]));
    await world.waitForPhase('podinfo', 'Initialized');
    // Not a single interval passed: the CRD watch re-detected the versions and woke the Canary up at
    // once, where discovery alone would look for a missing group again only after 30 s.
    expect(world.clock.now()).toBe(installedAt);
  });
});
