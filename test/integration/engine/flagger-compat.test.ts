import type { V1Deployment } from '@kubernetes/client-node';
import { mergePatchOptions } from '../../../src/kube/patch.ts';
import { EngineHarness, NAMESPACE, quickAnalysis } from './engine-harness.ts';
import { trafficSplitCount } from './flagger-targets.ts';

const HEALTHY = { kind: 'metrics', success: 995, failure: 1, p99Ms: 120 } as const;

/**
 * What Flagger does around the rollout itself, through the real controller against the sandbox: what the
 * primary copies of the target (labels by prefix, annotations, scheduling selectors, configs unless they
 * opted out), the ports the Services get by portDiscovery, `provider: kubernetes`, and the primary failing
 * while promoted.
 */
describe('Flagger compatibility through the real controller', () => {
  let world: EngineHarness;

  beforeEach(async () => {
    world = await EngineHarness.start();
  });
  afterEach(async () => {
    await world.stop();
  });

  const readDeployment = (name: string) => world.apps.readNamespacedDeployment({ name, namespace: NAMESPACE });

  test('the primary copies as Flagger does: labels by --include-label-prefix, annotations, own-pod selectors, tracked configs only; portDiscovery ports', async () => {
    await world.core.createNamespacedConfigMap({ namespace: NAMESPACE, body: { metadata: { name: 'settings' }, data: { level: 'info' } } });
    await world.core.createNamespacedConfigMap({
      namespace: NAMESPACE,
      body: { metadata: { name: 'flags', annotations: { 'flagger.app/config-tracking': 'disabled' } }, data: { beta: 'off' } },
    });
    const body: V1Deployment = {
      metadata: {
        name: 'podinfo',
        namespace: NAMESPACE,
        labels: { app: 'podinfo', 'team.example.com/owner': 'payments', 'app.kubernetes.io/instance': 'argo-app', 'kustomize.toolkit.fluxcd.io/name': 'apps' },
        annotations: { 'example.com/runbook': 'https://runbooks/podinfo', 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'podinfo' } },
        template: {
          metadata: { labels: { app: 'podinfo' } },
          spec: {
            containers: [
              {
                name: 'app',
                image: 'podinfo:1',
                ports: [{ name: 'http', containerPort: 9898 }, { name: 'grpc', containerPort: 9999 }, { containerPort: 8080 }],
                envFrom: [{ configMapRef: { name: 'settings' } }, { configMapRef: { name: 'flags' } }],
              },
              { name: 'istio-proxy', image: 'proxy:1', ports: [{ name: 'http-envoy-prom', containerPort: 15090 }] },
            ],
            affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'podinfo' } } }] } },
            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['podinfo'] }] } }],
          },
        },
      },
    };
    await world.apps.createNamespacedDeployment({ namespace: NAMESPACE, body });
    await world.createCanary('podinfo', { service: { port: 9898, portDiscovery: true }, analysis: quickAnalysis() });
    await world.startController({ includeLabelPrefix: ['team.example.com'] });
    await world.waitForPhase('podinfo', 'Initialized');

    const primary = await readDeployment('podinfo-primary');
    expect(primary.metadata?.labels).toEqual({ app: 'podinfo-primary', 'team.example.com/owner': 'payments', 'app.kubernetes.io/managed-by': 'kanari' });
    expect(primary.metadata?.annotations).toEqual({ 'example.com/runbook': 'https://runbooks/podinfo' });
    const spec = primary.spec!.template.spec!;
    expect(spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.[0].labelSelector?.matchLabels).toEqual({ app: 'podinfo-primary' });
    expect(spec.topologySpreadConstraints?.[0].labelSelector?.matchExpressions?.[0].values).toEqual(['podinfo-primary']);
    expect(spec.containers[0].envFrom?.map((e) => e.configMapRef?.name)).toEqual(['settings-primary', 'flags']);
    await expect(world.core.readNamespacedConfigMap({ name: 'flags-primary', namespace: NAMESPACE })).rejects.toMatchObject({ code: 404 });
    expect((await world.status('podinfo')).trackedConfigs).toEqual({ 'configmap/settings': expect.any(String) });

    for (const name of ['podinfo', 'podinfo-primary', 'podinfo-canary']) {
      const service = await world.core.readNamespacedService({ name, namespace: NAMESPACE });
      expect([name, service.spec?.ports?.map((p) => `${p.name}:${p.port}`)]).toEqual([name, ['http:9898', 'grpc:9999', 'tcp-app-2:8080']]);
    }

    // A change to the config that opted out of tracking is no release; a change to a tracked one is.
    await world.core.patchNamespacedConfigMap({ name: 'flags', namespace: NAMESPACE, body: { data: { beta: 'on' } } }, mergePatchOptions());
    await world.passIntervals('podinfo', 3);
    expect(world.phaseHistory).toEqual(['Initializing', 'Initialized']);
    world.traffic.set('podinfo', HEALTHY);
    await world.core.patchNamespacedConfigMap({ name: 'settings', namespace: NAMESPACE, body: { data: { level: 'debug' } } }, mergePatchOptions());
    await world.waitForPhase('podinfo', 'Progressing');
  });

  test('provider kubernetes: a blue/green with no traffic API, the canary reached through its own Service by the hooks', async () => {
    const hooks = await world.receiver();
    await world.createDeployment('podinfo', 'podinfo:1');
    await world.createCanary('podinfo', {
      provider: 'kubernetes',
      analysis: quickAnalysis({
        stepWeight: undefined,
        maxWeight: undefined,
        iterations: 2,
        webhooks: [{ name: 'load-test', url: `${hooks.url}/`, metadata: { cmd: 'hey -z 1m http://podinfo-canary.test:9898/' } }],
      }),
    });
    await world.startController();
    await world.waitForPhase('podinfo', 'Initialized');
    world.traffic.set('podinfo', HEALTHY);
    await world.setImage('podinfo', 'podinfo:2');
    await world.waitForPhase('podinfo', 'Progressing');
    // During the run the apex Service stays on the primary; the canary has its own Service.
    expect((await world.core.readNamespacedService({ name: 'podinfo', namespace: NAMESPACE })).spec?.selector).toEqual({ app: 'podinfo-primary' });
    expect((await world.core.readNamespacedService({ name: 'podinfo-canary', namespace: NAMESPACE })).spec?.selector).toEqual({ app: 'podinfo' });
    await world.runUntilPhase('podinfo', 'Succeeded');

    expect((await readDeployment('podinfo-primary')).spec?.template.spec?.containers[0].image).toBe('podinfo:2');
    expect((await readDeployment('podinfo')).spec?.replicas).toBe(0);
    expect(await trafficSplitCount(world)).toBe(0);
    expect((await world.status('podinfo')).canaryWeight).toBe(0);
    const calls = hooks.requests.map((r) => JSON.parse(r.body) as { phase: string; metadata: { cmd: string } });
    expect(calls.length).toBe(2);
    expect(calls.every((c) => c.phase === 'Progressing' && c.metadata.cmd.includes('podinfo-canary'))).toBe(true);
  });

  test('the primary failing while promoted: all traffic stays on the canary, which keeps running; Failed with an Event and an alert', async () => {
    const slack = await world.receiver();
    await world.core.createNamespacedSecret({ namespace: NAMESPACE, body: { metadata: { name: 'slack' }, stringData: { address: `${slack.url}/services/T/B/x` } } });
    await world.custom.createNamespacedCustomObject({
      group: 'kanari.dev',
      version: 'v1alpha1',
      namespace: NAMESPACE,
      plural: 'alertproviders',
      body: { apiVersion: 'kanari.dev/v1alpha1', kind: 'AlertProvider', metadata: { name: 'slack', namespace: NAMESPACE }, spec: { type: 'slack', secretRef: { name: 'slack' } } },
    });
    await world.createDeployment('podinfo', 'podinfo:1');
    await world.createCanary('podinfo', {
      progressDeadlineSeconds: 120,
      analysis: quickAnalysis({ alerts: [{ name: 'errors', severity: 'error', providerRef: { name: 'slack' } }] }),
    });
    await world.startController();
    await world.waitForPhase('podinfo', 'Initialized');
    world.traffic.set('podinfo', HEALTHY);
    await world.setImage('podinfo', 'podinfo:2');
    await world.advanceUntil('podinfo', (s) => s.phase === 'Progressing' && s.canaryWeight === 60, 'weight 60');
    // The promoted primary's new pods never become ready.
    world.deployments.holdUnready(NAMESPACE, 'podinfo-primary');
    await world.advanceUntil('podinfo', (s) => s.phase === 'Promoting', 'phase Promoting');
    // The primary never rolls out, so intervals are passed by hand (drive would wait for it): 120s is two.
    for (let i = 0; i < 6 && (await world.status('podinfo')).phase !== 'Failed'; i++) await world.passIntervals('podinfo', 1);
    const status = await world.status('podinfo');

    expect(status).toMatchObject({ failureReason: 'PromotionFailed', canaryWeight: 100 });
    expect(world.weightHistory).toEqual([0, 20, 40, 60, 100]);
    const split = await world.readSplit('podinfo');
    expect(split.spec.backends.map((b) => [b.service, Number(b.weight)])).toEqual([['podinfo-canary', 100], ['podinfo-primary', 0]]);
    expect((await readDeployment('podinfo')).spec?.replicas).toBe(2);
    const events = await world.events('podinfo');
    expect(events.find((e) => e.startsWith('PromotionFailed: '))).toBe(
      'PromotionFailed: Promotion of podinfo.test failed: primary deployment not ready after 120s while being promoted: all traffic stays on the canary, which keeps running the validated revision',
    );
    await world.controller?.flushNotifications();
    expect(slack.requests.map((r) => r.body).some((b) => b.includes('Promotion failed') && b.includes('all traffic stays on the canary'))).toBe(true);
  });
});
