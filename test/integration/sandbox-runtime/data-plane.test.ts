import { createPodinfoBackends } from '../../helpers/podinfo-backends.ts';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ApiextensionsV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { kubeGet } from '../../../src/metrics/kube-get.ts';
import { parseQuantity } from '../../../src/metrics/quantity.ts';
import { TRAFFIC_METRICS_GROUP, TRAFFIC_METRICS_VERSION } from '../../../src/metrics/traffic-metrics-api.ts';
import { TRAFFIC_METRICS_RESOURCES } from '../../../src/metrics/traffic-metrics-handler.ts';
import { startApiServer, type SandboxApiServer } from '../../../src/sandbox/apiserver/index.ts';
import { startSmiDataPlane, type ApexProxy, type SmiDataPlane } from '../../../src/sandbox/dataplane/smi-data-plane.ts';
import { startSimulatedKubelet, type SimulatedKubelet } from '../../../src/sandbox/kubelet/simulated-kubelet.ts';
import { startLoad } from '../../../src/sandbox/loadgen/load-generator.ts';
import { smiCrds } from '../../../src/sandbox/smi-crds.ts';
import { eventually } from '../../helpers/eventually.ts';

const NS = 'default';
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

describe('SMI data plane', () => {
  let server: SandboxApiServer;
  let kubelet: SimulatedKubelet;
  let dataPlane: SmiDataPlane;
  let apex: ApexProxy;
  let custom: CustomObjectsApi;
  let unmount: () => void;

  const split = (weights: [number | string, number | string], extra: Record<string, unknown> = {}) => ({
    apiVersion: 'split.smi-spec.io/v1alpha4',
    kind: 'TrafficSplit',
    metadata: { name: 'podinfo', namespace: NS },
    spec: { service: 'podinfo', backends: [{ service: 'podinfo-primary', weight: weights[0] }, { service: 'podinfo-canary', weight: weights[1] }], ...extra },
  });
  const putSplit = async (body: ReturnType<typeof split>, version = 'v1alpha4') => {
    await custom.deleteNamespacedCustomObject({ group: 'split.smi-spec.io', version, namespace: NS, plural: 'trafficsplits', name: 'podinfo' }).catch(() => undefined);
    await custom.createNamespacedCustomObject({ group: 'split.smi-spec.io', version, namespace: NS, plural: 'trafficsplits', body: { ...body, apiVersion: `split.smi-spec.io/${version}` } });
  };
  const versionsOf = async (count: number, headers: Record<string, string> = {}) => {
    const run = startLoad({ url: apex.url, rps: 1000, maxRequests: count, seed: 'conformance', headers });
    const summary = await run.done;
    expect(summary.completed).toBe(count);
    return Object.fromEntries(Object.entries(summary.byVersion).map(([v, c]) => [v, c.requests]));
  };

  beforeAll(async () => {
    server = await startApiServer();
    const kc = server.kubeConfig;
    const extensions = kc.makeApiClient(ApiextensionsV1Api);
    for (const crd of smiCrds()) await extensions.createCustomResourceDefinition({ body: crd as V1CustomResourceDefinition });
    custom = kc.makeApiClient(CustomObjectsApi);
    await createPodinfoBackends(kc, NS, { pod: { serviceAccountName: 'podinfo' }, env: [{ name: 'LATENCY_MS', value: '20' }] });
    kubelet = await startSimulatedKubelet({ kubeConfig: kc, startupDelayMs: 20, seed: 2 });
    dataPlane = await startSmiDataPlane({ kubeConfig: kc, endpoints: kubelet.endpoints, seed: 3 });
    unmount = server.mountAggregatedApi(TRAFFIC_METRICS_GROUP, TRAFFIC_METRICS_VERSION, TRAFFIC_METRICS_RESOURCES, (req, res) => dataPlane.trafficMetricsHandler(req, res));
    apex = await dataPlane.addApex(NS, 'podinfo');
    await dataPlane.synced();
    await eventually('both versions ready', () => kubelet.endpoints(NS, 'podinfo-primary').length === 2 && kubelet.endpoints(NS, 'podinfo-canary').length === 2);
  }, 30_000);

  afterAll(async () => {
    unmount?.();
    await dataPlane?.stop();
    await kubelet?.stop();
    await server?.stop();
  });

  it('sends everything to the apex service (primary) when there is no TrafficSplit', async () => {
    expect(await versionsOf(20)).toEqual({ v1: 20 });
  });

  it('follows TrafficSplit weights 100/0, 0/100 and 75/25', async () => {
    await putSplit(split([100, 0]));
    await eventually('split 100/0 seen', async () => (await versionsOf(1)).v1 === 1);
    expect(await versionsOf(60)).toEqual({ v1: 60 });

    await putSplit(split([0, 100]));
    await eventually('split 0/100 seen', async () => (await versionsOf(1)).v2 === 1);
    expect(await versionsOf(60)).toEqual({ v2: 60 });

    await putSplit(split([75, 25]));
    await eventually('split 75/25 seen', async () => (await versionsOf(10)).v1 !== undefined);
    const shares = await versionsOf(200);
    expect(shares.v1).toBeGreaterThan(shares.v2);
    expect(shares.v1 / 200).toBeGreaterThan(0.65);
    expect(shares.v1 / 200).toBeLessThan(0.85);
  });

  it('reads Quantity weights written through v1alpha1 (stored as strings: the CRD has no conversion)', async () => {
    await putSplit(split(['0', '500m']), 'v1alpha1');
    await eventually('quantity split seen', async () => (await versionsOf(1)).v2 === 1);
    expect(await versionsOf(30)).toEqual({ v2: 30 });
  });

  it('follows a merge patch of the weights of an existing split', async () => {
    await putSplit(split([100, 0]));
    await eventually('split 100/0 seen', async () => (await versionsOf(1)).v1 === 1);
    // How fast the change reaches the proxy is a figure of bench/data-plane.bench.ts, not a bound here.
    await custom.patchNamespacedCustomObject({ group: 'split.smi-spec.io', version: 'v1alpha4', namespace: NS, plural: 'trafficsplits', name: 'podinfo', body: { spec: { backends: [{ service: 'podinfo-primary', weight: 0 }, { service: 'podinfo-canary', weight: 100 }] } } }, mergePatch);
    await eventually('patched split 0/100 seen', async () => (await versionsOf(1)).v2 === 1);
    expect(await versionsOf(60)).toEqual({ v2: 60 });
  });

  it('routes A/B by header: matching requests by the split, others to the primary', async () => {
    await custom.createNamespacedCustomObject({
      group: 'specs.smi-spec.io', version: 'v1alpha4', namespace: NS, plural: 'httproutegroups',
      body: { apiVersion: 'specs.smi-spec.io/v1alpha4', kind: 'HTTPRouteGroup', metadata: { name: 'podinfo-insiders' }, spec: { matches: [{ name: 'insiders', headers: { 'x-canary': 'insider' } }] } },
    });
    await putSplit(split([0, 100], { matches: [{ kind: 'HTTPRouteGroup', name: 'podinfo-insiders' }] }));
    await eventually('A/B split seen', async () => (await versionsOf(1, { 'x-canary': 'insider' })).v2 === 1);
    expect(await versionsOf(30, { 'x-canary': 'insider' })).toEqual({ v2: 30 });
    expect(await versionsOf(30, { 'x-canary': 'outsider' })).toEqual({ v1: 30 });
    expect(await versionsOf(30)).toEqual({ v1: 30 });
  });

  it('denies by default with access control on, allows after a TrafficTarget, denies again after its deletion', async () => {
    await putSplit(split([100, 0]));
    dataPlane.setAccessControl(true);
    try {
      const ask = () => fetch(apex.url, { headers: { 'x-kanari-source-sa': `${NS}/loadtester` } });
      const denied = await ask();
      expect(denied.status).toBe(403);
      expect(await denied.text()).toMatch(/no TrafficTarget allows ServiceAccount default\/loadtester to reach ServiceAccount default\/podinfo/);

      await custom.createNamespacedCustomObject({
        group: 'specs.smi-spec.io', version: 'v1alpha4', namespace: NS, plural: 'httproutegroups',
        body: { apiVersion: 'specs.smi-spec.io/v1alpha4', kind: 'HTTPRouteGroup', metadata: { name: 'everything' }, spec: { matches: [{ name: 'all', pathRegex: '/.*', methods: ['*'] }] } },
      });
      await custom.createNamespacedCustomObject({
        group: 'access.smi-spec.io', version: 'v1alpha3', namespace: NS, plural: 'traffictargets',
        body: {
          apiVersion: 'access.smi-spec.io/v1alpha3', kind: 'TrafficTarget', metadata: { name: 'loadtester-to-podinfo' },
          spec: { destination: { kind: 'ServiceAccount', name: 'podinfo', namespace: NS }, sources: [{ kind: 'ServiceAccount', name: 'loadtester', namespace: NS }], rules: [{ kind: 'HTTPRouteGroup', name: 'everything', matches: ['all'] }] },
        },
      });
      await eventually('allowed', async () => (await ask()).status === 200);
      expect((await fetch(apex.url, { headers: { 'x-kanari-source-sa': `${NS}/stranger` } })).status).toBe(403);
      expect((await fetch(apex.url)).status).toBe(403);

      await custom.deleteNamespacedCustomObject({ group: 'access.smi-spec.io', version: 'v1alpha3', namespace: NS, plural: 'traffictargets', name: 'loadtester-to-podinfo' });
      await eventually('denied again', async () => (await ask()).status === 403);
    } finally {
      dataPlane.setAccessControl(false);
    }
  });

  it('answers TrafficMetrics through the API server with the counts the data plane recorded', async () => {
    await versionsOf(50);
    const path = `/apis/metrics.smi-spec.io/v1alpha1/namespaces/${NS}/deployments/podinfo-primary?t=10m`;
    const answer = await kubeGet(server.kubeConfig, path, { timeoutMilliseconds: 5000 });
    expect(answer.status).toBe(200);
    const object = JSON.parse(answer.body) as { kind: string; window: string; metrics: Array<{ name: string; value: string }> };
    expect(object.kind).toBe('TrafficMetrics');
    expect(object.window).toBe('10m0s');
    expect(object.metrics.map((m) => m.name)).toEqual(['p99_response_latency', 'p90_response_latency', 'p50_response_latency', 'success_count', 'failure_count']);
    const totals = dataPlane.store.totals({ kind: 'Deployment', namespace: NS, name: 'podinfo-primary' });
    expect(parseQuantity(object.metrics[3].value)).toBe(totals?.success);
    expect(parseQuantity(object.metrics[4].value)).toBe(totals?.failure);
    expect(totals?.success).toBeGreaterThan(100);
    // Latency as the app states it (LATENCY_MS 20 ± 10 %), whatever else the machine was doing: the p99
    // lies in Linkerd's (20, 30] ms bucket.
    const p99 = parseQuantity(object.metrics[0].value);
    expect(p99).toBeGreaterThan(20);
    expect(p99).toBeLessThanOrEqual(30);

    const list = await kubeGet(server.kubeConfig, `/apis/metrics.smi-spec.io/v1alpha1/namespaces/${NS}/deployments`, { timeoutMilliseconds: 5000 });
    expect((JSON.parse(list.body) as { items: Array<{ metadata: { name: string } }> }).items.map((i) => i.metadata.name)).toEqual(['podinfo-canary', 'podinfo-primary']);
    const ghost = await kubeGet(server.kubeConfig, `/apis/metrics.smi-spec.io/v1alpha1/namespaces/${NS}/deployments/ghost`, { timeoutMilliseconds: 5000 });
    expect([ghost.status, JSON.parse(ghost.body)]).toEqual([500, { error: 'unable to lookup metrics' }]);
  });

  it('exposes the same counts as Prometheus text under Linkerd names', async () => {
    const text = await (await fetch(`${dataPlane.metricsUrl}/metrics`)).text();
    const sample = (name: string, labels: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.split(',').every((label) => l.includes(label)));
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    for (const deployment of ['podinfo-primary', 'podinfo-canary']) {
      const totals = dataPlane.store.totals({ kind: 'Deployment', namespace: NS, name: deployment });
      expect(sample('response_total', `deployment="${deployment}",classification="success",direction="inbound",namespace="default"`)).toBe(totals?.success);
      expect(sample('response_total', `deployment="${deployment}",classification="failure"`)).toBe(totals?.failure);
      expect(sample('response_latency_ms_bucket', `deployment="${deployment}",le="+Inf"`)).toBe((totals?.success ?? 0) + (totals?.failure ?? 0));
    }
    const versions = dataPlane.versionCounts();
    expect((versions.get('v1')?.served ?? 0) + (versions.get('v2')?.served ?? 0)).toBeGreaterThan(300);
    if (existsSync('/usr/bin/promtool')) {
      const check = spawnSync('/usr/bin/promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(check.stderr + check.stdout).not.toMatch(/error/i);
    }
  });
});
