import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { AUTHENTICATION_CONFIGMAP } from '../../../src/kube/front-proxy.ts';
import { PrometheusProvider } from '../../../src/metrics/prometheus.ts';
import { parseQuantity } from '../../../src/metrics/quantity.ts';
import { SmiTrafficMetricsReader } from '../../../src/metrics/smi-traffic-metrics.ts';
import { startTrafficMetricsServer, type RunningTrafficMetricsServer } from '../../../src/metrics/traffic-metrics-server.ts';
import { certificateAuthority, signedCertificate, type Pem } from '../../helpers/front-proxy-certs.ts';
import { startMetricsExporter, type MetricsExporter } from '../../helpers/metrics-exporter.ts';
import { startPrometheus, waitForQuery, type RunningPrometheus } from '../../helpers/prometheus.ts';
import { startSandbox } from '../../helpers/sandbox.ts';
import { COUNTERS, EXPECTED, HISTOGRAMS, NAMESPACE } from './mesh-fixture.ts';

// `kanari metrics-server` (Linkerd queries) over a real Prometheus scraping the fixture every second.
let exporter: MetricsExporter;
let prometheus: RunningPrometheus;
let server: RunningTrafficMetricsServer;
const BASE = '/apis/metrics.smi-spec.io/v1alpha1';
const WINDOW_SECONDS = 5;

beforeAll(async () => {
  exporter = await startMetricsExporter(COUNTERS, HISTOGRAMS);
  prometheus = await startPrometheus([exporter.target]);
  // The figures themselves; who may read them is metrics-server-access.test.ts.
  server = await startTrafficMetricsServer({ prometheus: new PrometheusProvider({ address: prometheus.url }), mesh: 'linkerd', port: 0, host: '127.0.0.1', access: { kind: 'anyone' } });
  // Counts over a 5 s window are only whole once the series are older than the window.
  await waitForQuery(prometheus.url, 'count(count_over_time(response_total[7s]) >= 7)', (v) => v[0] > 0);
}, 40_000);

afterAll(async () => {
  await server?.close();
  await prometheus?.close();
  await exporter?.close();
});

function get(
  path: string,
  options: { ca?: string; url?: string; client?: Pem; headers?: Record<string, string> } = {},
): Promise<{ status: number; type: string; body: string; json: () => JsonAnswer }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, options.url ?? server.url);
    https
      .get(url, { ca: options.ca ?? server.ca, rejectUnauthorized: options.ca !== '', cert: options.client?.cert, key: options.client?.key, headers: options.headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body, json: () => JSON.parse(body) });
        });
      })
      .on('error', reject);
  });
}

// Answers are read loosely on purpose: the assertions below spell out the exact shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonAnswer = any;

const value = (item: { metrics: Array<{ name: string; value: string }> }, name: string) => parseQuantity(item.metrics.find((m) => m.name === name)?.value ?? 'missing');

test('the root is the APIResourceList smi-metrics served', async () => {
  const res = await get(`${BASE}/`);
  expect(res.status).toBe(200);
  expect(res.json()).toEqual({
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: 'metrics.smi-spec.io/v1alpha1',
    resources: [
      { name: 'deployments', singularName: '', namespaced: true, kind: 'TrafficMetrics', verbs: ['get', 'list'] },
      { name: 'pods', singularName: '', namespaced: true, kind: 'TrafficMetrics', verbs: ['get', 'list'] },
      { name: 'daemonsets', singularName: '', namespaced: true, kind: 'TrafficMetrics', verbs: ['get', 'list'] },
      { name: 'statefulsets', singularName: '', namespaced: true, kind: 'TrafficMetrics', verbs: ['get', 'list'] },
      { name: 'namespaces', singularName: '', namespaced: false, kind: 'TrafficMetrics', verbs: ['get', 'list'] },
    ],
  });
});

test('one deployment: the smi.md object shape with the right numbers', async () => {
  const res = await get(`${BASE}/namespaces/${NAMESPACE}/deployments/podinfo?t=${WINDOW_SECONDS}s`);
  expect(res.status).toBe(200);
  const item = res.json();
  expect(Object.keys(item)).toEqual(['kind', 'apiVersion', 'metadata', 'timestamp', 'window', 'resource', 'edge', 'metrics']);
  expect(item).toMatchObject({
    kind: 'TrafficMetrics',
    apiVersion: 'metrics.smi-spec.io/v1alpha1',
    metadata: { name: 'podinfo', namespace: NAMESPACE, creationTimestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) },
    timestamp: item.metadata.creationTimestamp,
    window: '5s',
    resource: { kind: 'Deployment', namespace: NAMESPACE, name: 'podinfo' },
    edge: { direction: 'from', resource: null },
  });
  expect(item.metrics.map((m: { name: string; unit?: string }) => [m.name, m.unit])).toEqual([
    ['p99_response_latency', 'ms'],
    ['p90_response_latency', 'ms'],
    ['p50_response_latency', 'ms'],
    ['success_count', undefined],
    ['failure_count', undefined],
  ]);
  for (const m of item.metrics) expect(m.value).toMatch(/^-?\d+m?$/);
  // Quantiles are exact up to the millisecond truncation smi-metrics applied, and so is the share of
  // successes. The counts are increases over the window, not rates: how close they come to rate × window
  // depends on when Prometheus's scrapes landed (late ones on a busy machine), so they are only held to
  // the right order (a rate would be 5× too small, a window read in minutes 60× too large).
  expect(value(item, 'p99_response_latency')).toBeCloseTo(EXPECTED.p99, 2);
  expect(value(item, 'p90_response_latency')).toBeCloseTo(EXPECTED.p90, 2);
  expect(value(item, 'p50_response_latency')).toBeCloseTo(EXPECTED.p50, 2);
  for (const [name, perSecond] of [['success_count', EXPECTED.linkerdSuccessPerSecond], ['failure_count', EXPECTED.linkerdFailurePerSecond]] as const) {
    const ofRateTimesWindow = value(item, name) / (perSecond * WINDOW_SECONDS);
    expect(ofRateTimesWindow).toBeGreaterThan(0.5);
    expect(ofRateTimesWindow).toBeLessThan(2);
  }
  expect(value(item, 'success_count') / (value(item, 'success_count') + value(item, 'failure_count'))).toBeCloseTo(0.95, 4);
});

test('Kanari reads its own server back through the Kubernetes client machinery', async () => {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'metrics', server: server.url, caData: Buffer.from(server.ca).toString('base64') }],
    users: [{ name: 'kanari', token: 'unused' }],
    contexts: [{ name: 'metrics', cluster: 'metrics', user: 'kanari' }],
    currentContext: 'metrics',
  });
  const reader = new SmiTrafficMetricsReader({ kubeConfig });
  const rate = await reader.requestSuccessRate({ namespace: NAMESPACE, name: 'podinfo' }, WINDOW_SECONDS * 1000);
  expect(rate.kind === 'value' && rate.value).toBeCloseTo(EXPECTED.linkerdSuccessRate, 2);
  const p99 = await reader.requestDuration({ namespace: NAMESPACE, name: 'podinfo' }, WINDOW_SECONDS * 1000);
  expect(p99.kind === 'value' && p99.value).toBeCloseTo(EXPECTED.p99, 2);
  // Series without traffic: counts "0", no latency (smi-metrics printed NaN as -9223372036854775808m), and no data for Kanari.
  const idle = (await get(`${BASE}/namespaces/${NAMESPACE}/deployments/idle?t=5s`)).json();
  expect(idle.metrics.find((m: { name: string }) => m.name === 'success_count').value).toBe('0');
  expect(idle.metrics.map((m: { name: string }) => m.name)).toEqual(['success_count', 'failure_count']);
  expect(await reader.requestDuration({ namespace: NAMESPACE, name: 'idle' }, 5000)).toMatchObject({ kind: 'no-data' });
  expect(await reader.requestSuccessRate({ namespace: NAMESPACE, name: 'ghost' }, 5000)).toMatchObject({ kind: 'no-data', reason: `no requests to deployment ${NAMESPACE}/ghost recorded in the last 5s` });
});

test('lists: in a namespace, across namespaces, and empty as items null', async () => {
  const inNamespace = (await get(`${BASE}/namespaces/${NAMESPACE}/deployments?t=5s`)).json();
  expect(inNamespace).toMatchObject({
    kind: 'TrafficMetricsList',
    apiVersion: 'metrics.smi-spec.io/v1alpha1',
    metadata: { selfLink: `${BASE}/deployments` },
    resource: { kind: 'Deployment', namespace: NAMESPACE },
  });
  expect(inNamespace.items.map((i: { resource: { name: string } }) => i.resource.name)).toEqual(['idle', 'podinfo', 'podinfo-primary']);
  const everywhere = (await get(`${BASE}/deployments`)).json();
  expect(everywhere.resource).toEqual({ kind: 'Deployment' });
  expect(everywhere.window).toBeUndefined();
  expect(everywhere.items[0].window).toBe('30s');
  const empty = await get(`${BASE}/namespaces/elsewhere/deployments`);
  expect(empty.status).toBe(200);
  expect(empty.body).toContain('"items":null');
});

test('a namespace and the edges of a deployment', async () => {
  const namespace = (await get(`${BASE}/namespaces/${NAMESPACE}?t=5s`)).json();
  expect(namespace.resource).toEqual({ kind: 'Namespace', name: NAMESPACE });
  expect(value(namespace, 'success_count')).toBeGreaterThan(0);
  const edges = (await get(`${BASE}/namespaces/${NAMESPACE}/deployments/podinfo/edges?t=5s`)).json();
  expect(edges).toMatchObject({ kind: 'TrafficMetricsList', resource: { kind: 'Deployment', namespace: NAMESPACE, name: 'podinfo' } });
  expect(edges.items).toHaveLength(1);
  expect(edges.items[0].edge).toEqual({ direction: 'from', resource: { kind: 'Deployment', namespace: NAMESPACE, name: 'loadtester' } });
  expect(value(edges.items[0], 'p99_response_latency')).toBeCloseTo(EXPECTED.p99, 2);
  const outgoing = (await get(`${BASE}/namespaces/${NAMESPACE}/deployments/loadtester/edges?t=5s`)).json();
  expect(outgoing.items[0].edge).toEqual({ direction: 'to', resource: { kind: 'Deployment', namespace: NAMESPACE, name: 'podinfo' } });
});

test('errors and the window fallback are smi-metrics\'', async () => {
  const unsupported = await get(`${BASE}/namespaces/${NAMESPACE}/services/podinfo`);
  expect(unsupported.status).toBe(404);
  expect(unsupported.json()).toEqual({ error: 'Unsupported resource: services' });
  expect((await get(`${BASE}/replicasets`)).json()).toEqual({ error: 'Unsupported resource: replicasets' });
  const missing = await get(`${BASE}/namespaces/${NAMESPACE}/deployments/ghost`);
  expect(missing.status).toBe(500);
  expect(missing.json()).toEqual({ error: 'unable to lookup metrics' });
  expect((await get(`${BASE}/namespaces/${NAMESPACE}/deployments/podinfo?t=soon`)).json().window).toBe('30s');
});

test('`kanari metrics-server` serves HTTPS from the command line, to the front proxy only', async () => {
  // The command asks an API server who its callers are: a sandbox publishing a front-proxy CA, read through --kubeconfig.
  const sandbox = await startSandbox();
  const frontProxyCA = await certificateAuthority('front-proxy-ca');
  const frontProxy = await signedCertificate(frontProxyCA, 'front-proxy-client');
  await sandbox.kubeConfig.makeApiClient(CoreV1Api).createNamespacedConfigMap({
    namespace: AUTHENTICATION_CONFIGMAP.namespace,
    body: { metadata: { name: AUTHENTICATION_CONFIGMAP.name }, data: { 'requestheader-client-ca-file': frontProxyCA.cert, 'requestheader-allowed-names': '["front-proxy-client"]' } },
  });
  const dir = await mkdtemp(join(tmpdir(), 'kanari-metrics-server-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, sandbox.server.kubeconfigYaml());
  const child = spawn('node_modules/.bin/node', ['bin/kanari.js', 'metrics-server', '--prometheus-url', prometheus.url, '--port', '0', '--host', '127.0.0.1', '--kubeconfig', kubeconfig], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Listened for from the start: a server that fails at once has exited before the test would look.
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const ready = out.split('\n').map((l) => (l.startsWith('{') ? JSON.parse(l) : {})).find((l) => l.msg === 'metrics-server ready');
        if (ready) resolve(ready.url);
      });
      child.once('exit', (code) => reject(new Error(`metrics-server exited with ${code}: ${out}${stderr}`)));
    });
    const path = `${BASE}/namespaces/${NAMESPACE}/deployments/podinfo?t=5s`;
    expect((await get(path, { url, ca: '', headers: { 'X-Remote-User': 'admin' } })).status).toBe(401);
    // The sandbox's admin is in system:masters, which RBAC allows everything.
    const res = await get(path, { url, ca: '', client: frontProxy, headers: { 'X-Remote-User': 'admin', 'X-Remote-Group': 'system:masters' } });
    expect(res.status).toBe(200);
    expect(value(res.json(), 'p99_response_latency')).toBeCloseTo(EXPECTED.p99, 2);
    expect((await get(path, { url, ca: '', client: frontProxy, headers: { 'X-Remote-User': 'nobody' } })).status).toBe(403);
  } finally {
    child.kill('SIGTERM');
    await exited;
    await sandbox.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
