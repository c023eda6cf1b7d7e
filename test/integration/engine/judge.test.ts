import { requestAnnotation } from '../../../src/api/annotations.ts';
import type { CanarySpec } from '../../../src/api/canary.ts';
import { isNotFound } from '../../../src/kube/api-errors.ts';
import { mergePatchOptions } from '../../../src/kube/patch.ts';
import { EngineHarness, NAMESPACE } from './engine-harness.ts';

/**
 * The judge through the real controller: both sides read from the TrafficMetrics API (per Deployment,
 * through the API server's aggregation), the `-baseline` Deployment and Service created in the API
 * server, the TrafficSplit's third backend, the evidence in the stored status — and what a restart of
 * the controller keeps.
 */

const judged = (baseline: boolean): CanarySpec['analysis'] => ({
  interval: '1m',
  threshold: 2,
  stepWeight: 20,
  maxWeight: 60,
  baseline,
  metrics: [{ name: 'request-success-rate', interval: '1m', thresholdRange: { min: 90 }, compare: { maxIncrease: '20%' } }],
});

const EVEN = { kind: 'metrics', success: 990, failure: 10, p99Ms: 100 } as const;
const BAD = { kind: 'metrics', success: 900, failure: 100, p99Ms: 100 } as const;
type Script = { kind: 'metrics'; success: number; failure: number; p99Ms: number };

describe('the judge through the real controller', () => {
  let world: EngineHarness;

  beforeEach(async () => {
    world = await EngineHarness.start();
  });
  afterEach(() => world.stop());

  async function shipped(baseline: boolean, canary: Script): Promise<void> {
    await world.createDeployment('podinfo', 'podinfo:6.0.0', {}, 3);
    await world.createCanary('podinfo', { analysis: judged(baseline) });
    await world.startController();
    await world.waitForPhase('podinfo', 'Initialized');
    for (const side of ['podinfo-primary', 'podinfo-baseline']) world.traffic.set(side, EVEN);
    world.traffic.set('podinfo', canary);
    await world.setImage('podinfo', 'podinfo:6.0.1');
  }

  const deploymentOf = (name: string) => world.apps.readNamespacedDeployment({ name, namespace: NAMESPACE }).catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)));
  const serviceOf = (name: string) => world.core.readNamespacedService({ name, namespace: NAMESPACE }).catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)));
  const backends = async () => (await world.readSplit('podinfo')).spec.backends.map((b) => `${b.service}=${b.weight}`);

  async function expectBaselineGone(): Promise<void> {
    expect(await deploymentOf('podinfo-baseline')).toBeUndefined();
    expect(await serviceOf('podinfo-baseline')).toBeUndefined();
    expect(await backends()).toEqual(['podinfo-canary=0', 'podinfo-primary=100']);
  }

  test('baseline on promotion: created from the primary at the canary’s size, routed as a third backend, judged against, removed', async () => {
    await shipped(true, EVEN);
    // Once a step has been judged (a watch event may let the run take a step more before the test looks).
    const judging = await world.advanceUntil('podinfo', (s) => s.phase === 'Progressing' && (s.judge?.state?.metrics[0].intervals ?? 0) >= 1, 'a judged step');

    const baseline = await deploymentOf('podinfo-baseline');
    expect(baseline?.spec?.replicas).toBe(3);
    expect(baseline?.spec?.template.spec?.containers[0].image).toBe('podinfo:6.0.0');
    expect(baseline?.spec?.selector.matchLabels).toEqual({ app: 'podinfo-baseline' });
    expect((await serviceOf('podinfo-baseline'))?.spec?.selector).toEqual({ app: 'podinfo-baseline' });
    // The baseline gets the canary's weight, as far as 100 allows; the primary the rest.
    const weight = judging.canaryWeight ?? 0;
    const share = Math.min(weight, 100 - weight);
    expect([20, 40, 60]).toContain(weight);
    expect(await backends()).toEqual([`podinfo-canary=${weight}`, `podinfo-primary=${100 - weight - share}`, `podinfo-baseline=${share}`]);

    // Compared with the baseline's TrafficMetrics: 1,000 requests, 10 failed, as scripted for podinfo-baseline.
    expect(judging.judge?.against).toBe('baseline');
    expect(judging.lastAnalysis?.[0].comparison).toMatchObject({ against: 'baseline', referenceRequests: 1000, referenceFailures: 10, canaryRequests: 1000, canaryFailures: 10 });
    expect(judging.lastAnalysis?.[0].comparison?.message).toMatch(/^canary fails 1× as often as baseline \(95 %: .*\), tolerated 1\.2×: not conclusive yet \(e-value [\d.]+, rollback at 20\)$/);

    await world.runUntilPhase('podinfo', 'Succeeded');
    expect((await deploymentOf('podinfo-primary'))?.spec?.template.spec?.containers[0].image).toBe('podinfo:6.0.1');
    await expectBaselineGone();
  });

  test('baseline on rollback: a canary failing 10× as often as the baseline is rolled back, in words, and the baseline removed', async () => {
    await shipped(true, BAD);
    const failed = await world.runUntilPhase('podinfo', 'Failed');
    expect(failed.failureReason).toBe('CanaryWorseThanBaseline');
    expect((await world.events('podinfo')).find((e) => e.startsWith('CanaryWorseThanBaseline: '))).toMatch(
      /^CanaryWorseThanBaseline: Rolling back podinfo\.test: canary fails 10× as often as baseline \(95 %: [\d.]+–[\d.]+×\), tolerated 1\.2×$/,
    );
    await expectBaselineGone();
  });

  test('baseline on abort: a person aborting the run removes it', async () => {
    await shipped(true, EVEN);
    await world.advanceUntil('podinfo', (s) => (s.canaryWeight ?? 0) > 0, 'a first step');
    expect(await deploymentOf('podinfo-baseline')).toBeDefined();
    const [key, value] = requestAnnotation('abort', 'alice', Date.now());
    await world.custom.patchNamespacedCustomObject(
      { group: 'kanari.dev', version: 'v1alpha1', namespace: NAMESPACE, plural: 'canaries', name: 'podinfo', body: { metadata: { annotations: { [key]: value } } } },
      mergePatchOptions(),
    );
    const failed = await world.waitForPhase('podinfo', 'Failed');
    expect(failed.failureReason).toBe('ManualAbort');
    await expectBaselineGone();
  });

  test('a controller restart mid-run keeps the accumulated evidence', async () => {
    await shipped(false, { kind: 'metrics', success: 985, failure: 15, p99Ms: 100 });
    const before = await world.advanceUntil('podinfo', (s) => (s.judge?.state?.metrics[0].intervals ?? 0) >= 2, 'two judged intervals');
    const evidence = before.judge?.state?.metrics[0];
    const counted = evidence?.intervals ?? 0;
    expect(evidence?.canaryRequests).toBe(1000 * counted);

    await world.stopController();
    await world.startController();
    const after = await world.advanceUntil('podinfo', (s) => (s.judge?.state?.metrics[0].intervals ?? 0) > counted, 'one more judged interval');
    const continued = after.judge?.state?.metrics[0];
    // The new controller added to what the old one had counted (1,000 requests, 15 failed, an interval), instead of starting over.
    const intervals = continued?.intervals ?? 0;
    expect(intervals).toBeGreaterThan(counted);
    expect(continued?.canaryRequests).toBe(1000 * intervals);
    expect(continued?.primaryRequests).toBe(1000 * intervals);
    expect(continued?.canaryEvents).toBe(15 * intervals);
    expect(after.judge?.startTime).toBe(before.judge?.startTime);
    expect(after.judge?.eValue).toBeGreaterThan(before.judge?.eValue ?? Infinity);
  });
});
