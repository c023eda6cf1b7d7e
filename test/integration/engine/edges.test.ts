import { mergePatchOptions } from '../../../src/kube/patch.ts';
import { isNotFound } from '../../../src/kube/api-errors.ts';
import { EngineHarness, NAMESPACE, quickAnalysis } from './engine-harness.ts';

const HEALTHY = { kind: 'metrics', success: 995, failure: 1, p99Ms: 120 } as const;

/** quickAnalysis with 200 ms ticks: these scenarios run several analyses each, and the file must stay quick on a busy box. */
const analysis = (overrides: Parameters<typeof quickAnalysis>[0] = {}) => quickAnalysis({ interval: '200ms', ...overrides });

/** True when every rise in `history` is one step of `step` and every fall goes to 0 (a rollback or a restart). */
function stepsNeverSkipped(history: number[], step: number): boolean {
  return history.every((w, i) => i === 0 || w === 0 || w - history[i - 1] === step);
}

describe('canary engine edges through the real controller', () => {
  let world: EngineHarness;

  beforeEach(async () => {
    world = await EngineHarness.start();
  });
  afterEach(() => world.stop());

  async function initialized(spec: Partial<Parameters<EngineHarness['createCanary']>[1]> = {}): Promise<void> {
    await world.createDeployment('podinfo', 'podinfo:6.0.0');
    await world.createCanary('podinfo', { analysis: analysis(), ...spec });
    await world.startController();
    await world.waitForPhase('podinfo', 'Initialized');
    world.traffic.set('podinfo', { ...HEALTHY });
  }

  async function deployment(name: string) {
    return world.apps.readNamespacedDeployment({ name, namespace: NAMESPACE });
  }

  async function primaryImage(): Promise<string | undefined> {
    return (await deployment('podinfo-primary')).spec?.template.spec?.containers[0].image;
  }

  async function waitForEvent(name: string, matches: (event: string) => boolean, what: string): Promise<string> {
    let found: string | undefined;
    await world.waitFor(async () => {
      found = (await world.events(name)).find(matches);
      return found !== undefined;
    }, what);
    return found!;
  }

  test('a canary that never becomes ready is rolled back at the progress deadline', async () => {
    await initialized({ progressDeadlineSeconds: 1 });
    world.deployments.keepUnready(NAMESPACE, 'podinfo');
    await world.setImage('podinfo', 'podinfo:6.0.1');

    const status = await world.waitForPhase('podinfo', 'Failed');
    expect(status.failureReason).toBe('ProgressDeadlineExceeded');
    expect(world.weightHistory).toEqual([0]);
    expect(await primaryImage()).toBe('podinfo:6.0.0');
    expect((await deployment('podinfo')).spec?.replicas).toBe(0);
    await waitForEvent('podinfo', (e) => /^ProgressDeadlineExceeded: .*not ready after 1s/.test(e), 'a ProgressDeadlineExceeded Event');
  });

  test('a new revision mid-analysis sends the weight back to 0 and restarts the run on the newest image', async () => {
    // Small steps leave time to ship the second image while the first run is still stepping.
    await initialized({ analysis: analysis({ stepWeight: 10 }) });
    await world.setImage('podinfo', 'podinfo:6.0.1');
    await world.waitForStatus('podinfo', (s) => s.phase === 'Progressing' && (s.canaryWeight ?? 0) >= 10, 'weight 10');
    await world.setImage('podinfo', 'podinfo:6.0.2');
    await world.waitForPhase('podinfo', 'Succeeded');

    const history = world.weightHistory;
    const restart = history.indexOf(0, 1);
    // Weight climbed, dropped to 0 for the new revision, climbed again in whole steps, then went to the primary.
    expect(restart).toBeGreaterThan(1);
    expect(history.slice(restart)).toEqual([0, 10, 20, 30, 40, 50, 60, 0]);
    expect(stepsNeverSkipped(history, 10)).toBe(true);
    expect(await primaryImage()).toBe('podinfo:6.0.2');
    const synced = (await world.events('podinfo')).filter((e) => e.startsWith('Synced: New revision detected'));
    expect(synced.length).toBeGreaterThanOrEqual(1);
  });

  test('skipAnalysis promotes a new revision without stepping the weight', async () => {
    await initialized({ skipAnalysis: true });
    await world.setImage('podinfo', 'podinfo:6.0.1');
    await world.waitForPhase('podinfo', 'Succeeded');

    expect(world.weightHistory).toEqual([0]);
    expect(await primaryImage()).toBe('podinfo:6.0.1');
    expect((await deployment('podinfo')).spec?.replicas).toBe(0);
    await waitForEvent('podinfo', (e) => /^Promoting: .*without analysis: skipAnalysis is set/.test(e), 'a Promoting Event naming skipAnalysis');
  });

  test('suspend holds everything still until it is unset', async () => {
    await initialized();
    await world.patchCanary('podinfo', { spec: { suspend: true } });
    await world.waitFor(async () => (await world.canary('podinfo')).spec.suspend === true, 'suspend to be stored');
    await world.setImage('podinfo', 'podinfo:6.0.1');

    await world.waitForTicks('podinfo', 2);
    expect((await world.status('podinfo')).phase).toBe('Initialized');
    expect(world.weightHistory).toEqual([0]);
    expect(await primaryImage()).toBe('podinfo:6.0.0');
    expect((await deployment('podinfo')).spec?.replicas).toBe(0);

    await world.patchCanary('podinfo', { spec: { suspend: false } });
    await world.waitForPhase('podinfo', 'Succeeded');
    expect(world.weightHistory).toEqual([0, 20, 40, 60, 0]);
    expect(await primaryImage()).toBe('podinfo:6.0.1');
  });

  test('revertOnDeletion restores the target and removes what Kanari created before the Canary goes', async () => {
    await initialized({ revertOnDeletion: true });
    await world.waitFor(async () => ((await world.canary('podinfo')).metadata.finalizers ?? []).length > 0, 'the finalizer');
    await world.custom.deleteNamespacedCustomObject({ group: 'kanari.dev', version: 'v1alpha1', namespace: NAMESPACE, plural: 'canaries', name: 'podinfo' });

    await world.waitFor(() => world.canary('podinfo').then(() => false, (err: unknown) => isNotFound(err)), 'the Canary to go away');
    expect((await deployment('podinfo')).spec?.replicas).toBe(2);
    expect(await deployment('podinfo-primary').then(() => 'present', (err: unknown) => (isNotFound(err) ? 'gone' : err))).toBe('gone');
    const services = (await world.core.listNamespacedService({ namespace: NAMESPACE })).items;
    expect(services.map((s) => s.metadata?.name)).toEqual(['podinfo']);
    // The apex Service outlives the Canary and now sends traffic to the target's own pods.
    expect(services[0].spec?.selector).toEqual({ app: 'podinfo' });
    const splits = await world.custom.listNamespacedCustomObject({ group: 'split.smi-spec.io', version: 'v1alpha4', namespace: NAMESPACE, plural: 'trafficsplits' });
    expect((splits as { items: unknown[] }).items).toEqual([]);
  });

  test('a change to a referenced ConfigMap starts a run; an unreferenced one does not', async () => {
    for (const name of ['podinfo-config', 'unrelated']) {
      await world.core.createNamespacedConfigMap({ namespace: NAMESPACE, body: { metadata: { name, namespace: NAMESPACE }, data: { color: 'blue' } } });
    }
    await world.apps.createNamespacedDeployment({
      namespace: NAMESPACE,
      body: {
        metadata: { name: 'podinfo', namespace: NAMESPACE, labels: { app: 'podinfo' } },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'podinfo' } },
          template: {
            metadata: { labels: { app: 'podinfo' } },
            spec: { containers: [{ name: 'app', image: 'podinfo:6.0.0', ports: [{ name: 'http', containerPort: 9898 }], envFrom: [{ configMapRef: { name: 'podinfo-config' } }] }] },
          },
        },
      },
    });
    await world.createCanary('podinfo', { analysis: analysis() });
    await world.startController();
    await world.waitForPhase('podinfo', 'Initialized');
    world.traffic.set('podinfo', { ...HEALTHY });
    const copy = () => world.core.readNamespacedConfigMap({ name: 'podinfo-config-primary', namespace: NAMESPACE });
    expect((await copy()).data).toEqual({ color: 'blue' });
    expect((await deployment('podinfo-primary')).spec?.template.spec?.containers[0].envFrom).toEqual([{ configMapRef: { name: 'podinfo-config-primary' } }]);

    const setColor = (name: string, color: string) =>
      world.core.patchNamespacedConfigMap({ name, namespace: NAMESPACE, body: { data: { color } } }, mergePatchOptions());
    await setColor('unrelated', 'red');
    await world.waitForTicks('podinfo', 2);
    expect((await world.status('podinfo')).phase).toBe('Initialized');
    expect(world.weightHistory).toEqual([0]);

    await setColor('podinfo-config', 'green');
    await world.waitForPhase('podinfo', 'Succeeded');
    expect(world.weightHistory).toEqual([0, 20, 40, 60, 0]);
    expect((await copy()).data).toEqual({ color: 'green' });
    expect((await world.status('podinfo')).trackedConfigs).toBeDefined();
  });

  test('reverting the target to the promoted spec mid-run cancels the run instead of starting one', async () => {
    await initialized({ analysis: analysis({ stepWeight: 10 }) });
    const runsStarted = () => world.eventCount('podinfo', 'Synced');

    // Reverted to the spec promoted at initialization.
    await world.setImage('podinfo', 'podinfo:6.0.1');
    await world.waitForStatus('podinfo', (s) => s.phase === 'Progressing' && (s.canaryWeight ?? 0) >= 10, 'weight 10');
    await world.setImage('podinfo', 'podinfo:6.0.0');
    await world.waitForPhase('podinfo', 'Initialized');
    await world.waitForTicks('podinfo', 2);
    expect((await world.status('podinfo')).phase).toBe('Initialized');
    expect(world.weightHistory.at(-1)).toBe(0);
    expect(await primaryImage()).toBe('podinfo:6.0.0');
    expect((await deployment('podinfo')).spec?.replicas).toBe(0);
    expect(await runsStarted()).toBe(1);
    await waitForEvent('podinfo', (e) => e.startsWith('RunCancelled: ') && e.includes('reverted to the promoted revision'), 'a RunCancelled Event');

    // After a Succeeded run, the promoted spec is the new one, and reverting to it cancels too.
    await world.setImage('podinfo', 'podinfo:6.0.1');
    await world.waitForPhase('podinfo', 'Succeeded');
    await world.setImage('podinfo', 'podinfo:6.0.2');
    await world.waitForStatus('podinfo', (s) => s.phase === 'Progressing' && (s.canaryWeight ?? 0) >= 10, 'weight 10 for 6.0.2');
    await world.setImage('podinfo', 'podinfo:6.0.1');
    await world.waitForPhase('podinfo', 'Initialized');
    await world.waitForTicks('podinfo', 2);
    expect((await world.status('podinfo')).phase).toBe('Initialized');
    expect(await primaryImage()).toBe('podinfo:6.0.1');
    expect(await runsStarted()).toBe(3);
    expect(world.weightHistory.at(-1)).toBe(0);
    expect(stepsNeverSkipped(world.weightHistory, 10)).toBe(true);
  });

  test('a Failed canary is retried by the kanari.dev/retry annotation without a pod-template change', async () => {
    await initialized();
    world.traffic.set('podinfo', { kind: 'metrics', success: 80, failure: 20, p99Ms: 120 });
    await world.setImage('podinfo', 'podinfo:6.0.1');
    await world.waitForPhase('podinfo', 'Failed');
    const templateBefore = JSON.stringify((await deployment('podinfo')).spec?.template);

    world.traffic.set('podinfo', { ...HEALTHY });
    await world.patchCanary('podinfo', { metadata: { annotations: { 'kanari.dev/retry': 'alice' } } });
    await world.waitForPhase('podinfo', 'Succeeded');

    expect(world.phaseHistory.slice(world.phaseHistory.indexOf('Failed'))).toEqual(expect.arrayContaining(['Failed', 'Progressing', 'Succeeded']));
    expect(world.weightHistory.slice(-5)).toEqual([0, 20, 40, 60, 0]);
    expect(await primaryImage()).toBe('podinfo:6.0.1');
    expect(JSON.stringify((await deployment('podinfo')).spec?.template)).toBe(templateBefore);
    await waitForEvent('podinfo', (e) => e.startsWith('ManualAction: Retry') && e.includes('alice'), 'a ManualAction Event naming alice');
  });

  test('invalid Canaries are refused or reported while another Canary in the namespace keeps progressing', async () => {
    await world.createDeployment('podinfo', 'podinfo:6.0.0');
    await world.createCanary('podinfo', { analysis: analysis() });

    // The CRD's schema refuses what it can say is wrong, naming the field.
    let refused: unknown;
    await world.createCanary('zero-step', { analysis: analysis({ stepWeight: 0 }) }).catch((err: unknown) => (refused = err));
    expect((refused as { code?: number }).code).toBe(422);
    expect(String((refused as { body?: unknown }).body)).toMatch(/stepWeight/);

    // A Canary whose target is missing is accepted by the API and reported on.
    await world.createCanary('ghost', { analysis: analysis() });
    await world.startController();

    const ghost = await world.waitForStatus('ghost', (s) => s.conditions?.some((c) => c.type === 'Ready' && c.status === 'False') ?? false, 'ghost Ready=False');
    const ready = ghost.conditions!.find((c) => c.type === 'Ready')!;
    expect(ready.reason).toBe('TargetNotFound');
    expect(ready.message).toMatch(/ghost/);
    await waitForEvent('ghost', (e) => e.startsWith('TargetNotFound: ') && e.includes('ghost'), 'a TargetNotFound Event');

    await world.waitForPhase('podinfo', 'Initialized');
    world.traffic.set('podinfo', { ...HEALTHY });
    await world.setImage('podinfo', 'podinfo:6.0.1');
    await world.waitForPhase('podinfo', 'Succeeded');
    expect(world.weightHistoryOf('podinfo')).toEqual([0, 20, 40, 60, 0]);
    expect(await primaryImage()).toBe('podinfo:6.0.1');
    expect((await world.status('ghost')).conditions?.find((c) => c.type === 'Ready')?.reason).toBe('TargetNotFound');
  });
});
