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

    const installedAt = Date.now();
    await world.sandbox.installCrds(...(smiCrds({ split: ['v1alpha4'], specs: [], access: [] }) as never[]));
    await world.waitForPhase('podinfo', 'Initialized', 20_000);
    // Discovery alone would look for a missing group again only after 30 s; the CRD watch makes it prompt.
    expect(Date.now() - installedAt).toBeLessThan(15_000);
  });
});
