import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import type { MeshReport } from '../../../src/mesh/mesh-discovery.ts';
import { mergePatchOptions } from '../../../src/kube/patch.ts';
import { smiCrds } from '../../../src/sandbox/smi-crds.ts';
import { runKanari } from '../../helpers/kanari-cli.ts';
import { startPrometheus, type RunningPrometheus } from '../../helpers/prometheus.ts';
import { startSandbox, type CrdDocument, type Sandbox } from '../../helpers/sandbox.ts';

// `kanari mesh`, the real binary, against sandboxes that serve different APIs: what a person sees when
// they ask what the cluster offers a canary.
const REPO = new URL('../../../', import.meta.url).pathname;
const KANARI_CRDS = ['canaries', 'metrictemplates', 'alertproviders'].map((plural) => join(REPO, `crds/kanari.dev_${plural}.yaml`));

/** A CRD that only needs to exist (a mesh's own kinds): any object is accepted. */
function opaqueCrd(group: string, plural: string, kind: string, versions: string[]): CrdDocument {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural, kind, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: versions.map((name, i) => ({ name, served: true, storage: i === 0, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } })),
    },
  };
}

async function deployment(sandbox: Sandbox, namespace: string, name: string, options: { labels?: Record<string, string>; serviceAccount?: string; ready?: number; image?: string } = {}): Promise<void> {
  const apps = sandbox.kubeConfig.makeApiClient(AppsV1Api);
  const labels = { app: name, ...options.labels };
  await apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels }, spec: { serviceAccountName: options.serviceAccount, containers: [{ name: 'main', image: options.image ?? `${name}:1` }] } },
      },
    },
  });
  if (options.ready !== undefined) {
    await apps.patchNamespacedDeploymentStatus({ name, namespace, body: { status: { replicas: 1, readyReplicas: options.ready, availableReplicas: options.ready } } }, mergePatchOptions());
  }
}

async function canary(sandbox: Sandbox, namespace: string, name: string): Promise<void> {
  await sandbox.kubeConfig.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    group: 'kanari.dev', version: 'v1alpha1', namespace, plural: 'canaries',
    body: { apiVersion: 'kanari.dev/v1alpha1', kind: 'Canary', metadata: { name }, spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, service: { port: 80 }, analysis: { interval: '1m' } } },
  });
}

/** A loopback port nothing listens on (a Prometheus that is down). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('kanari mesh against sandboxes with different API sets', () => {
  const sandboxes: Sandbox[] = [];
  let prometheus: RunningPrometheus;
  let dir: string;

  const mesh = async (sandbox: Sandbox, ...args: string[]) => {
    const kubeconfig = join(dir, `kubeconfig-${sandboxes.indexOf(sandbox)}`);
    writeFileSync(kubeconfig, sandbox.server.kubeconfigYaml(), { mode: 0o600 });
    const run = await runKanari(['mesh', '--kubeconfig', kubeconfig, ...args]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return run.stdout;
  };
  const start = async () => {
    const sandbox = await startSandbox();
    sandboxes.push(sandbox);
    await sandbox.installCrds(...KANARI_CRDS);
    return sandbox;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kanari-mesh-'));
    prometheus = await startPrometheus([]);
  });
  afterAll(async () => {
    await prometheus?.close();
    for (const sandbox of sandboxes) await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an SMI mesh (Linkerd with linkerd-smi): the served SMI versions, its control plane, Prometheus, and a canary its callers could not reach', async () => {
    const sandbox = await start();
    await sandbox.installCrds(...(smiCrds({ split: ['v1alpha1', 'v1alpha2'], specs: ['v1alpha2'], access: ['v1alpha2'] }) as CrdDocument[]));
    await sandbox.installCrds(opaqueCrd('linkerd.io', 'serviceprofiles', 'ServiceProfile', ['v1alpha2']), opaqueCrd('policy.linkerd.io', 'servers', 'Server', ['v1beta1']));
    sandbox.server.mountAggregatedApi('metrics.smi-spec.io', 'v1alpha1', [{ name: 'deployments', kind: 'TrafficMetrics', namespaced: true, verbs: ['get', 'list'] }], (_req, res) => res.end('{}'));
    await sandbox.createNamespace('linkerd');
    await deployment(sandbox, 'linkerd', 'linkerd-destination', { labels: { 'linkerd.io/control-plane-component': 'destination' }, ready: 1, image: 'cr.l5d.io/linkerd/controller:stable-2.14.10' });
    // podinfo's new version runs as another ServiceAccount; the TrafficTarget admits the load tester to the old one only.
    await deployment(sandbox, 'default', 'podinfo', { serviceAccount: 'podinfo-v2' });
    await deployment(sandbox, 'default', 'podinfo-primary', { serviceAccount: 'podinfo' });
    await canary(sandbox, 'default', 'podinfo');
    await sandbox.kubeConfig.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: 'access.smi-spec.io', version: 'v1alpha2', namespace: 'default', plural: 'traffictargets',
      body: {
        apiVersion: 'access.smi-spec.io/v1alpha2', kind: 'TrafficTarget', metadata: { name: 'loadtester-to-podinfo' },
        spec: { destination: { kind: 'ServiceAccount', name: 'podinfo', namespace: 'default' }, sources: [{ kind: 'ServiceAccount', name: 'loadtester', namespace: 'default' }], rules: [{ kind: 'HTTPRouteGroup', name: 'api' }] },
      },
    });
    const gone = await closedPort();
    const out = await mesh(sandbox, '--prometheus', prometheus.url, `http://127.0.0.1:${gone}/`);
    expect(out).toMatch(/split\s+split\.smi-spec\.io\s+v1alpha2, v1alpha1\s+TrafficSplit/);
    expect(out).toMatch(/specs\s+specs\.smi-spec\.io\s+v1alpha2\s/);
    expect(out).toMatch(/access\s+access\.smi-spec\.io\s+v1alpha2\s/);
    expect(out).toMatch(/metrics\s+metrics\.smi-spec\.io\s+v1alpha1\s/);
    expect(out).toContain('Gateway API: not served');
    expect(out).toContain('  Linkerd: 2 CRDs (servers.policy.linkerd.io, serviceprofiles.linkerd.io)');
    expect(out).toContain('    control plane linkerd/linkerd-destination: 1/1 ready (cr.l5d.io/linkerd/controller:stable-2.14.10)');
    expect(out).toContain(`  ok   ${prometheus.url} (--prometheus): answers PromQL`);
    expect(out).toContain(`  FAIL http://127.0.0.1:${gone}/ (--prometheus): no answer: fetch failed (connect ECONNREFUSED 127.0.0.1:${gone})`);
    expect(out).toContain(
      "  WARN default/podinfo: the canary runs as ServiceAccount default/podinfo-v2, but no TrafficTarget admits default/loadtester to it (TrafficTarget loadtester-to-podinfo admits them to the primary's default/podinfo): the canary would refuse their requests",
    );
    const json = JSON.parse(await mesh(sandbox, '-o', 'json')) as MeshReport;
    expect(json.canaries[0].preflight).toMatchObject({ result: 'warn', refused: [{ namespace: 'default', name: 'loadtester' }] });
    expect(json.problems).toEqual([]);
  }, 60_000);

  test('Gateway API with Istio: the Gateway API bundle and GatewayClasses, no SMI at all', async () => {
    const sandbox = await start();
    await sandbox.installCrds(join(REPO, 'test/fixtures/gateway-api/v1.6.1/gateway.networking.k8s.io_gatewayclasses.yaml'), opaqueCrd('networking.istio.io', 'virtualservices', 'VirtualService', ['v1', 'v1beta1']));
    const custom = sandbox.kubeConfig.makeApiClient(CustomObjectsApi);
    await custom.createClusterCustomObject({ group: 'gateway.networking.k8s.io', version: 'v1', plural: 'gatewayclasses', body: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'istio' }, spec: { controllerName: 'istio.io/gateway-controller' } } });
    await custom.patchClusterCustomObjectStatus({ group: 'gateway.networking.k8s.io', version: 'v1', plural: 'gatewayclasses', name: 'istio', body: { status: { conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'ok', lastTransitionTime: '2026-01-01T00:00:00Z' }] } } }, mergePatchOptions());
    await sandbox.createNamespace('istio-system');
    await deployment(sandbox, 'istio-system', 'istiod', { labels: { app: 'istiod' }, ready: 0 });
    await deployment(sandbox, 'default', 'shop');
    await canary(sandbox, 'default', 'shop');
    const out = await mesh(sandbox);
    for (const api of ['split', 'specs', 'access', 'metrics']) expect(out).toMatch(new RegExp(`${api}\\s+${api}\\.smi-spec\\.io\\s+not served`));
    expect(out).toContain('Gateway API: v1, v1beta1 (bundle v1.6.1, standard channel)');
    expect(out).toContain('  GatewayClass istio: controller istio.io/gateway-controller, Accepted True (Accepted)');
    expect(out).toContain('  Istio: 1 CRD (virtualservices.networking.istio.io); no SMI; Gateway API HTTPRoute');
    expect(out).toContain('    control plane istio-system/istiod: 0/1 ready');
    expect(out).toContain('-    default/shop: the TrafficTarget API (access.smi-spec.io) is not served: no access control to check');
  }, 60_000);

  test('a bare cluster: nothing served, nothing recognised, and a Gateway API v1.0.0 bundle told apart', async () => {
    const sandbox = await start();
    const bare = await mesh(sandbox);
    expect(bare).toContain('Gateway API: not served');
    expect(bare).toContain('  none recognised (by their CRDs or control-plane Deployments)');
    expect(bare).toContain('  none configured');
    expect(bare).toContain('  no Canaries');
    await sandbox.installCrds(join(REPO, 'test/fixtures/gateway-api/v1.0.0/gateway.networking.k8s.io_gatewayclasses.yaml'));
    expect(await mesh(sandbox)).toContain('Gateway API: v1, v1beta1 (bundle v1.0.0, standard channel)\n  no GatewayClass');
  }, 60_000);
});
