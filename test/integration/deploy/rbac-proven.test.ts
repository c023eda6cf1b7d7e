import { Writable } from 'node:stream';
import { AutoscalingV2Api, type KubernetesObject } from '@kubernetes/client-node';
import { runController, type RunningController } from '../../../src/controller/run-controller.ts';
import { mergePatchOptions } from '../../../src/kube/patch.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { eventually } from '../../helpers/eventually.ts';
import { startHttpReceiver, type HttpReceiver } from '../../helpers/http-receiver.ts';
import { EngineHarness, NAMESPACE, quickAnalysis } from '../engine/engine-harness.ts';
import { createDaemonSet, setDaemonSetImage } from '../engine/flagger-targets.ts';
import { renderChart, renderContext } from './chart-render.ts';
import { CHART_DIR, DEPLOY_RELEASE } from './deploy-manifests.ts';
import { parseAllDocuments } from 'yaml';

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };

/** Every (group, resource, verb) the chart's ClusterRole and leader-election Role grant, as `group/resource:verb`. */
function grantedByChart(): Set<string> {
  const docs = renderChart(CHART_DIR, renderContext(CHART_DIR, DEPLOY_RELEASE))
    .flatMap(({ text }) => parseAllDocuments(text).map((d) => d.toJS() as (KubernetesObject & { rules?: Rule[] }) | null))
    .filter((d): d is KubernetesObject & { rules: Rule[] } => d?.kind === 'ClusterRole' || d?.kind === 'Role');
  return new Set(docs.flatMap((d) => d.rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g || 'core'}/${res}:${v}`))))));
}

/**
 * RBAC proven, not guessed: the controller runs under its own user through scenarios that reach every
 * path that talks to the API (initialization with configs and an HPA, promotion, rollback, A/B, manual
 * control, alerts, a DaemonSet target, a Gateway API HTTPRoute release, revertOnDeletion, leader election), the sandbox API server logs each (group,
 * resource, verb) it used, and the chart's roles must grant exactly those: nothing missing (the controller
 * would fail in a cluster) and nothing unused (least privilege).
 */
describe("the chart's ClusterRole and Role grant exactly what the controller uses", () => {
  let world: EngineHarness;
  let running: RunningController | undefined;
  let slack: HttpReceiver;

  beforeAll(async () => {
    world = await EngineHarness.start({ gatewayApi: { release: 'v1.6.1' } });
    slack = await startHttpReceiver();
  });
  afterAll(async () => {
    await running?.stop();
    await slack.close();
    await world.stop();
  });

  test('every access is granted and every grant is used', async () => {
    const identity = world.sandbox.server.addUser('kanari');
    world.countTicksOf(() => (running ? [running] : []));
    running = await runController({
      kubeConfig: identity.kubeConfig,
      logger: createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) }),
      namespaces: [NAMESPACE],
      informer: { relistIntervalMs: 0, watchdogMs: 0 },
      webhookBackoff: { baseMs: 10, maxMs: 50 },
      healthAddress: { host: '127.0.0.1', port: 0 },
      clock: world.clock,
      leaderElection: { namespace: NAMESPACE, leaseName: 'kanari-leader', leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 200 },
    });

    // A target with a ConfigMap, a Secret and an HPA, an alert through a Secret-held address, promoted.
    await world.core.createNamespacedConfigMap({ namespace: NAMESPACE, body: { metadata: { name: 'settings' }, data: { level: 'info' } } });
    await world.core.createNamespacedSecret({ namespace: NAMESPACE, body: { metadata: { name: 'creds' }, stringData: { token: 't' } } });
    await world.core.createNamespacedSecret({ namespace: NAMESPACE, body: { metadata: { name: 'slack' }, stringData: { address: slack.url } } });
    await world.custom.createNamespacedCustomObject({
      group: 'kanari.dev', version: 'v1alpha1', namespace: NAMESPACE, plural: 'alertproviders',
      body: { apiVersion: 'kanari.dev/v1alpha1', kind: 'AlertProvider', metadata: { name: 'slack' }, spec: { type: 'slack', secretRef: { name: 'slack' } } },
    });
    await world.createDeployment('podinfo', 'podinfo:1');
    await world.apps.patchNamespacedDeployment({
      name: 'podinfo', namespace: NAMESPACE,
      body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'podinfo:1', env: [
        { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'settings', key: 'level' } } },
        { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } },
      ] }] } } } },
    }, mergePatchOptions());
    await world.sandbox.kubeConfig.makeApiClient(AutoscalingV2Api).createNamespacedHorizontalPodAutoscaler({
      namespace: NAMESPACE,
      body: { metadata: { name: 'podinfo' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' }, minReplicas: 2, maxReplicas: 4 } },
    });
    await world.createCanary('podinfo', {
      revertOnDeletion: true,
      autoscalerRef: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'podinfo' },
      analysis: quickAnalysis({ alerts: [{ name: 'team', severity: 'info', providerRef: { name: 'slack' } }] }),
    });
    await world.waitForPhase('podinfo', 'Initialized');
    world.traffic.set('podinfo', { kind: 'metrics', success: 1000, failure: 0, p99Ms: 50 });
    await world.setImage('podinfo', 'podinfo:2');
    await world.runUntilPhase('podinfo', 'Succeeded');

    // The target's HPA changes: the primary's copy follows.
    const autoscaling = world.sandbox.kubeConfig.makeApiClient(AutoscalingV2Api);
    await autoscaling.patchNamespacedHorizontalPodAutoscaler({ name: 'podinfo', namespace: NAMESPACE, body: { spec: { maxReplicas: 6 } } }, mergePatchOptions());
    await eventually('the primary HPA to follow', async () => (await autoscaling.readNamespacedHorizontalPodAutoscaler({ name: 'podinfo-primary', namespace: NAMESPACE })).spec?.maxReplicas === 6);

    // New configuration data is a new revision; promotion updates the -primary copies.
    await world.core.patchNamespacedConfigMap({ name: 'settings', namespace: NAMESPACE, body: { data: { level: 'debug' } } }, mergePatchOptions());
    await world.core.patchNamespacedSecret({ name: 'creds', namespace: NAMESPACE, body: { stringData: { token: 'u' } } }, mergePatchOptions());
    await world.drive('podinfo', async () =>
      (await world.core.readNamespacedConfigMap({ name: 'settings-primary', namespace: NAMESPACE })).data?.level === 'debug' &&
      Buffer.from((await world.core.readNamespacedSecret({ name: 'creds-primary', namespace: NAMESPACE })).data?.token ?? '', 'base64').toString() === 'u',
    'the -primary copies to be promoted');
    await world.runUntilPhase('podinfo', 'Succeeded');

    // A rollback, then a manual retry through the annotation.
    world.traffic.set('podinfo', { kind: 'metrics', success: 50, failure: 50, p99Ms: 50 });
    await world.setImage('podinfo', 'podinfo:3');
    await world.runUntilPhase('podinfo', 'Failed');
    await world.custom.patchNamespacedCustomObject(
      { group: 'kanari.dev', version: 'v1alpha1', namespace: NAMESPACE, plural: 'canaries', name: 'podinfo', body: { metadata: { annotations: { 'kanari.dev/retry': 'alice' } } } },
      mergePatchOptions(),
    );
    await world.waitForStatus('podinfo', (s) => s.phase === 'Progressing' || s.phase === 'Failed' && (s.handledRequests ?? {}).retry !== undefined, 'the retry to be handled');

    // A/B by header: an HTTPRouteGroup written and removed.
    await world.createDeployment('frontend', 'frontend:1');
    await world.createCanary('frontend', { analysis: quickAnalysis({ stepWeight: undefined, maxWeight: undefined, iterations: 100, match: [{ headers: { 'x-canary': { exact: 'insider' } } }] }) });
    await world.waitForPhase('frontend', 'Initialized');
    world.traffic.set('frontend', { kind: 'metrics', success: 1000, failure: 0, p99Ms: 50 });
    await world.setImage('frontend', 'frontend:2');
    // Changing the match mid-run rewrites the HTTPRouteGroup.
    const routeGroup = () => world.custom.getNamespacedCustomObject({ group: 'specs.smi-spec.io', version: 'v1alpha4', namespace: NAMESPACE, plural: 'httproutegroups', name: 'frontend' }) as Promise<{ spec: { matches: { headers?: Record<string, string> }[] } }>;
    await eventually('the HTTPRouteGroup', () => routeGroup().then(() => true, () => false));
    await world.custom.patchNamespacedCustomObject(
      { group: 'kanari.dev', version: 'v1alpha1', namespace: NAMESPACE, plural: 'canaries', name: 'frontend', body: { spec: { analysis: { match: [{ headers: { 'x-canary': { exact: 'beta' } } }] } } } },
      mergePatchOptions(),
    );
    // The route follows the edited match at the next analysis.
    await world.drive('frontend', async () => JSON.stringify((await routeGroup()).spec.matches).includes('beta'), 'the HTTPRouteGroup to match the new header');
    await world.custom.patchNamespacedCustomObject(
      { group: 'kanari.dev', version: 'v1alpha1', namespace: NAMESPACE, plural: 'canaries', name: 'frontend', body: { metadata: { annotations: { 'kanari.dev/promote-full': 'bob' } } } },
      mergePatchOptions(),
    );
    await world.runUntilPhase('frontend', 'Succeeded');

    // Through the Gateway API: an in-mesh HTTPRoute created, stepped, and removed on revertOnDeletion.
    await world.createDeployment('shop', 'shop:1');
    await world.createCanary('shop', { provider: 'gatewayapi', revertOnDeletion: true, analysis: quickAnalysis() });
    await world.waitForPhase('shop', 'Initialized');
    world.traffic.set('shop', { kind: 'metrics', success: 1000, failure: 0, p99Ms: 50 });
    await world.setImage('shop', 'shop:2');
    await world.runUntilPhase('shop', 'Succeeded');
    await world.custom.deleteNamespacedCustomObject({ group: 'kanari.dev', version: 'v1alpha1', namespace: NAMESPACE, plural: 'canaries', name: 'shop' });
    await eventually('the HTTPRoute to be gone', () =>
      world.custom.getNamespacedCustomObject({ group: 'gateway.networking.k8s.io', version: 'v1', namespace: NAMESPACE, plural: 'httproutes', name: 'shop' }).then(() => false, () => true));

    // A DaemonSet target (provider kubernetes): its primary created, promoted and, on revert, deleted.
    await createDaemonSet(world, 'agent', 'agent:1');
    await world.createCanary('agent', {
      provider: 'kubernetes',
      revertOnDeletion: true,
      targetRef: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent' },
      analysis: quickAnalysis({ stepWeight: undefined, maxWeight: undefined, iterations: 1 }),
    });
    await world.waitForPhase('agent', 'Initialized');
    world.traffic.set('agent', { kind: 'metrics', success: 1000, failure: 0, p99Ms: 50 });
    await setDaemonSetImage(world, 'agent', 'agent:2');
    await world.runUntilPhase('agent', 'Succeeded');

    // revertOnDeletion: the finalizer restores the target and removes what Kanari made.
    for (const name of ['podinfo', 'agent']) {
      await world.custom.deleteNamespacedCustomObject({ group: 'kanari.dev', version: 'v1alpha1', namespace: NAMESPACE, plural: 'canaries', name });
      await eventually(`the Canary ${name} to be gone`, async () => {
        try {
          await world.canary(name);
          return false;
        } catch {
          return true;
        }
      });
    }
    await running.stop();
    running = undefined;

    const used = new Set(world.sandbox.server.accessLog('kanari').map((a) => `${a.group || 'core'}/${a.resource}:${a.verb}`));
    const granted = grantedByChart();
    // Demanded by admission in real clusters (see the ClusterRole's comment), never by a call.
    const admissionOnly = ['kanari.dev/canaries/finalizers:update'];
    // Used only in a race no scenario can force: a create that finds a primary Deployment the informer
    // cache has not seen yet (its watch event in flight) reads it before patching.
    const raceOnly = ['apps/deployments:get'];
    for (const grant of [...admissionOnly, ...raceOnly]) used.add(grant);
    expect({ missingFromTheRoles: [...used].filter((access) => !granted.has(access)).sort() }).toEqual({ missingFromTheRoles: [] });
    expect({ grantedButNeverUsed: [...granted].filter((grant) => !used.has(grant)).sort() }).toEqual({ grantedButNeverUsed: [] });
  });
});
