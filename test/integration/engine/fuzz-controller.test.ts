import fc from 'fast-check';
import { ApiException } from '@kubernetes/client-node';
import type { Canary } from '../../../src/api/canary.ts';
import { createValidator } from '../../../src/api/validation.ts';
import { formatValidationError } from '../../../src/api/validation-error.ts';
import { oddCanary, ruleBrokenCanary } from '../../helpers/fuzz/kanari-arbitraries.ts';
import { EngineHarness, NAMESPACE, quickAnalysis } from './engine-harness.ts';

/**
 * A sample of generated odd Canaries, sent to the sandbox API server beside one healthy Canary: those
 * the API server admits but Kanari's rules refuse must each end with Ready=False and Stalled=True,
 * reason InvalidSpec, whose message names every field validation names; the healthy one releases
 * exactly as it would alone. Those the API server refuses are refused naming a field too.
 */

const SEED = Number(process.env.KANARI_FUZZ_SEED ?? 1616);
const SAMPLE = 20;

let world: EngineHarness;

beforeEach(async () => {
  world = await EngineHarness.start();
});
afterEach(async () => {
  await world.stop();
});

test('invalid generated Canaries each get a condition naming their fields; a healthy Canary beside them is unaffected', async () => {
  const validator = createValidator();
  await world.createDeployment('podinfo', 'podinfo:6.0.0');
  await world.createCanary('podinfo', { analysis: quickAnalysis() });

  const admitted: string[] = [];
  const refusedByServer: string[] = [];
  // Odd ones mostly break the schema the CRD carries too; rule-broken ones pass it and reach Kanari.
  const sample = [...fc.sample(oddCanary, { seed: SEED, numRuns: SAMPLE }), ...fc.sample(ruleBrokenCanary, { seed: SEED, numRuns: 4 * SAMPLE })];
  for (const [i, generated] of sample.entries()) {
    if (admitted.length >= SAMPLE) break;
    const name = `fuzz-${i}`;
    const body = { ...generated, metadata: { name, namespace: NAMESPACE } };
    if (validator.validate(body).valid) continue;
    try {
      await world.custom.createNamespacedCustomObject({ group: 'kanari.dev', version: 'v1alpha1', namespace: NAMESPACE, plural: 'canaries', body });
      admitted.push(name);
    } catch (err) {
      if (!(err instanceof ApiException) || err.code !== 422) throw err;
      const status = JSON.parse(String(err.body)) as { details?: { causes?: { field?: string }[] } };
      refusedByServer.push(name);
      expect(status.details?.causes?.every((cause) => (cause.field ?? '') !== '')).toBe(true);
    }
  }
  expect(admitted).toHaveLength(SAMPLE);
  expect(refusedByServer.length).toBeGreaterThan(0);

  await world.startController();
  // What the controller validates is the object as stored (pruned and defaulted by the API server).
  for (const name of admitted) {
    const stored = await world.canary(name);
    const result = validator.validateCanary(stored);
    expect(result.valid).toBe(false);
    const fields = result.valid ? [] : result.errors.map(formatValidationError);
    const status = await world.waitForStatus(name, (s) => s.conditions?.some((c) => c.type === 'Stalled' && c.status === 'True') ?? false, 'Stalled=True');
    const ready = status.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
    for (const field of fields) expect([name, ready?.message?.includes(field)]).toEqual([name, true]);
    expect(status.conditions?.find((c) => c.type === 'Stalled')).toMatchObject({ reason: 'InvalidSpec', observedGeneration: stored.metadata.generation });
  }

  await world.waitForPhase('podinfo', 'Initialized');
  world.traffic.set('podinfo', { kind: 'metrics', success: 995, failure: 1, p99Ms: 120 });
  await world.setImage('podinfo', 'podinfo:6.0.1');
  await world.runUntilPhase('podinfo', 'Succeeded');
  expect(world.weightHistoryOf('podinfo')).toEqual([0, 20, 40, 60, 0]);
  // Nothing Kanari made for the invalid ones: no primary Deployment, no TrafficSplit.
  const deployments = (await world.apps.listNamespacedDeployment({ namespace: NAMESPACE })).items.map((d) => d.metadata?.name);
  expect(deployments.sort()).toEqual(['podinfo', 'podinfo-primary']);
  expect(((await world.canary(admitted[0])) as Canary).status?.phase ?? '').toBe('');
});
