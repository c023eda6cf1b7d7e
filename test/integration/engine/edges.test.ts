import { mergePatchOptions } from '../../../src/kube/patch.ts';
import { isNotFound } from '../../../src/kube/api-errors.ts';
import { eventually } from '../../helpers/eventually.ts';
import { EngineHarness, NAMESPACE, quickAnalysis } from './engine-harness.ts';

const HEALTHY = { kind: 'metrics', success: 995, failure: 1, p99Ms: 120 } as const;

/**
 * Edges that need the API server: deletion with its finalizer, ConfigMap watches, the CRD's schema and a
 * missing target beside a healthy Canary. Progress deadlines, skipAnalysis, suspend, new revisions and
 * reverts mid-run, and retry are unit-tested on the engine's World (test/unit/engine/run-*.test.ts).
 */
describe('canary engine edges through the real controller', () => {
  let world: EngineHarness;

  beforeEach(async () => {
    world = await EngineHarness.start();
  });
  afterEach(() => world.stop());

  async function initialized(spec: Partial<Parameters<EngineHarness['createCanary']>[1]> = {}): Promise<void> {
    await world.createDeployment('podinfo', 'podinfo:6.0.0');
    await world.createCanary('podinfo', { analysis: quickAnalysis(), ...spec });
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

  function waitForEvent(name: string, matches: (event: string) => boolean, what: string): Promise<string> {
    return eventually(what, async () => (await world.events(name)).find(matches));
  }

  test('revertOnDeletion restores the target and removes what Kanari created before the Canary goes', async () => {
    await initialized({ revertOnDeletion: true });
    await eventually('the finalizer', async () => ((await world.canary('podinfo')).metadata.finalizers ?? []).length > 0);
    await world.custom.deleteNamespacedCustomObject({ group: 'kanari.dev', version: 'v1alpha1', namespace: NAMESPACE, plural: 'canaries', name: 'podinfo' });

    // Deleting is a watch event: the revert needs no interval to pass.
    await eventually('the Canary to go away', () => world.canary('podinfo').then(() => false, (err: unknown) => isNotFound(err)));
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
    await world.createCanary('podinfo', { analysis: quickAnalysis() });
    await world.startController();
    await world.waitForPhase('podinfo', 'Initialized');
    world.traffic.set('podinfo', { ...HEALTHY });
    const copy = () => world.core.readNamespacedConfigMap({ name: 'podinfo-config-primary', namespace: NAMESPACE });
    expect((await copy()).data).toEqual({ color: 'blue' });
    expect((await deployment('podinfo-primary')).spec?.template.spec?.containers[0].envFrom).toEqual([{ configMapRef: { name: 'podinfo-config-primary' } }]);

    const setColor = (name: string, color: string) =>
      world.core.patchNamespacedConfigMap({ name, namespace: NAMESPACE, body: { data: { color } } }, mergePatchOptions());
    await setColor('unrelated', 'red');
    await world.passIntervals('podinfo', 2);
    expect((await world.status('podinfo')).phase).toBe('Initialized');
    expect(world.weightHistory).toEqual([0]);

    await setColor('podinfo-config', 'green');
    await world.runUntilPhase('podinfo', 'Succeeded');
    expect(world.weightHistory).toEqual([0, 20, 40, 60, 0]);
    expect((await copy()).data).toEqual({ color: 'green' });
    expect((await world.status('podinfo')).trackedConfigs).toBeDefined();
  });

  test('invalid Canaries are refused or reported while another Canary in the namespace keeps progressing', async () => {
    await world.createDeployment('podinfo', 'podinfo:6.0.0');
    await world.createCanary('podinfo', { analysis: quickAnalysis() });

    // The CRD's schema refuses what it can say is wrong, naming the field.
    let refused: unknown;
    await world.createCanary('zero-step', { analysis: quickAnalysis({ stepWeight: 0 }) }).catch((err: unknown) => (refused = err));
    expect((refused as { code?: number }).code).toBe(422);
    expect(String((refused as { body?: unknown }).body)).toMatch(/stepWeight/);

    // A Canary whose target is missing is accepted by the API and reported on.
    await world.createCanary('ghost', { analysis: quickAnalysis() });
    // So is one only the rules can judge: every problem in one message, each with the value given.
    await world.createCanary('windowed', { analysis: { ...quickAnalysis(), window: { schedules: ['* 9-16 * * 1-5', '* 25 * * *'], timezone: 'Mars/Olympus' } } });
    await world.startController();
    const windowed = await world.waitForStatus('windowed', (s) => s.conditions?.some((c) => c.type === 'Ready' && c.status === 'False') ?? false, 'windowed Ready=False');
    expect(windowed.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      reason: 'InvalidSpec',
      message:
        'spec.analysis.window.schedules[1] = "* 25 * * *": is not a valid cron expression: five fields (minute hour day-of-month month day-of-week), e.g. "* 9-16 * * 1-5"; ' +
        'spec.analysis.window.timezone = "Mars/Olympus": is not a known IANA time zone, e.g. Europe/Berlin or UTC',
    });

    const ghost = await world.waitForStatus('ghost', (s) => s.conditions?.some((c) => c.type === 'Ready' && c.status === 'False') ?? false, 'ghost Ready=False');
    const ready = ghost.conditions!.find((c) => c.type === 'Ready')!;
    expect(ready.reason).toBe('TargetNotFound');
    expect(ready.message).toMatch(/ghost/);
    await waitForEvent('ghost', (e) => e.startsWith('TargetNotFound: ') && e.includes('ghost'), 'a TargetNotFound Event');

    await world.waitForPhase('podinfo', 'Initialized');
    world.traffic.set('podinfo', { ...HEALTHY });
    await world.setImage('podinfo', 'podinfo:6.0.1');
    await world.runUntilPhase('podinfo', 'Succeeded');
    expect(world.weightHistoryOf('podinfo')).toEqual([0, 20, 40, 60, 0]);
    expect(await primaryImage()).toBe('podinfo:6.0.1');
    expect((await world.status('ghost')).conditions?.find((c) => c.type === 'Ready')?.reason).toBe('TargetNotFound');
  });
});
