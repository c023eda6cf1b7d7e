import https from 'node:https';
import { AuthorizationV1Api, CoreV1Api, RbacAuthorizationV1Api, type KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { AUTHENTICATION_CONFIGMAP } from '../../../src/kube/front-proxy.ts';
import { mergePatchOptions } from '../../../src/kube/patch.ts';
import { PrometheusProvider } from '../../../src/metrics/prometheus.ts';
import type { TrafficMetricsSource } from '../../../src/metrics/traffic-metrics-handler.ts';
import { startTrafficMetricsServer, type RunningTrafficMetricsServer } from '../../../src/metrics/traffic-metrics-server.ts';
import { eventually } from '../../helpers/eventually.ts';
import { certificateAuthority, signedCertificate, type Pem } from '../../helpers/front-proxy-certs.ts';
import { startSandbox, type Sandbox } from '../../helpers/sandbox.ts';
import { renderChart, renderContext } from '../deploy/chart-render.ts';
import { CHART_DIR, DEPLOY_RELEASE } from '../deploy/deploy-manifests.ts';

/**
 * `kanari metrics-server` as an aggregated API server must be: it believes only the front proxy's client
 * certificate (CA and header names from kube-system/extension-apiserver-authentication), and asks the
 * API server with a SubjectAccessReview whether the user the proxy names may read the figures, under
 * the RBAC objects stored in the sandbox. Its own identity is the chart's service account, bound as the
 * chart binds it; every call it makes is one those bindings allow.
 */

const BASE = '/apis/metrics.smi-spec.io/v1alpha1';
const SERVICE_ACCOUNT = `system:serviceaccount:${DEPLOY_RELEASE.namespace}:${DEPLOY_RELEASE.name}-metrics-server`;

/** Healthy figures for every Deployment asked about. */
const figures: TrafficMetricsSource = {
  resources: async (selector) => [
    { resource: { kind: selector.kind, namespace: selector.namespace ?? 'test', name: selector.name ?? 'podinfo' }, values: { success_count: 99, failure_count: 1, p99_response_latency: 120, p90_response_latency: 90, p50_response_latency: 40 } },
  ],
  edges: async () => [],
};

let sandbox: Sandbox;
let server: RunningTrafficMetricsServer;
let frontProxyCA: Pem;
let frontProxy: Pem;

interface Answer {
  status: number;
  body: { reason?: string; message?: string; kind?: string };
}

function call(path: string, options: { client?: Pem; user?: string; groups?: string[]; extra?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string | string[]> = {};
  if (options.user) headers['X-Remote-User'] = options.user;
  if (options.groups) headers['X-Remote-Group'] = options.groups;
  for (const [key, value] of Object.entries(options.extra ?? {})) headers[`X-Remote-Extra-${key}`] = value;
  return new Promise((resolve, reject) => {
    https
      // A connection per call, as a new front proxy (after a CA rotation) makes: TLS checks the certificate once per connection.
      .get(new URL(path, server.url), { ca: server.ca, cert: options.client?.cert, key: options.client?.key, headers, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text.startsWith('{') ? JSON.parse(text) : { message: text } }));
      })
      .on('error', reject);
  });
}

async function apply(object: KubernetesObject): Promise<void> {
  const group = object.apiVersion?.includes('/') ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
  const plural = `${object.kind!.toLowerCase()}s`;
  const namespace = object.metadata?.namespace ? `/namespaces/${object.metadata.namespace}` : '';
  const created = await sandbox.rawRequest('POST', `${group}${namespace}/${plural}`, object);
  if (created.status !== 201) throw new Error(`creating ${object.kind} ${object.metadata?.name}: ${JSON.stringify(created.body)}`);
}

beforeAll(async () => {
  sandbox = await startSandbox({ namespaces: ['test', 'other', DEPLOY_RELEASE.namespace] });
  frontProxyCA = await certificateAuthority('front-proxy-ca');
  frontProxy = await signedCertificate(frontProxyCA, 'front-proxy-client');
  const core = sandbox.kubeConfig.makeApiClient(CoreV1Api);
  await core.createNamespacedConfigMap({
    namespace: AUTHENTICATION_CONFIGMAP.namespace,
    body: {
      metadata: { name: AUTHENTICATION_CONFIGMAP.name },
      data: {
        'requestheader-client-ca-file': frontProxyCA.cert,
        'requestheader-allowed-names': '["front-proxy-client"]',
        'requestheader-username-headers': '["X-Remote-User"]',
        'requestheader-group-headers': '["X-Remote-Group"]',
        'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
      },
    },
  });
  // The two built-in roles every cluster has (their rules as kube-apiserver bootstraps them), then the chart's bindings.
  const rbac = sandbox.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  await rbac.createClusterRole({
    body: {
      metadata: { name: 'system:auth-delegator' },
      rules: [
        { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
        { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
      ],
    },
  });
  await rbac.createNamespacedRole({
    namespace: 'kube-system',
    body: { metadata: { name: 'extension-apiserver-authentication-reader' }, rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: [AUTHENTICATION_CONFIGMAP.name], verbs: ['get', 'list', 'watch'] }] },
  });
  const chart = renderChart(CHART_DIR, renderContext(CHART_DIR, DEPLOY_RELEASE, { metricsServer: { enabled: true } })).find((t) => t.file === 'metrics-server-rbac.yaml')!;
  for (const doc of parseAllDocuments(chart.text)) await apply(doc.toJS() as KubernetesObject);
  // Readers: alice in namespace test; the group sre everywhere; discovery of the group for alice.
  await rbac.createClusterRole({ body: { metadata: { name: 'traffic-metrics-reader' }, rules: [{ apiGroups: ['metrics.smi-spec.io'], resources: ['deployments'], verbs: ['get', 'list'] }] } });
  await rbac.createNamespacedRoleBinding({
    namespace: 'test',
    body: { metadata: { name: 'alice-reads' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'traffic-metrics-reader' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }] },
  });
  await rbac.createClusterRoleBinding({
    body: { metadata: { name: 'sre-reads' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'traffic-metrics-reader' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'sre' }] },
  });
  await rbac.createClusterRole({ body: { metadata: { name: 'traffic-metrics-discovery' }, rules: [{ nonResourceURLs: [BASE], verbs: ['get'] }] } });
  await rbac.createClusterRoleBinding({
    body: { metadata: { name: 'alice-discovers' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'traffic-metrics-discovery' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }] },
  });

  const identity = sandbox.server.addUser(SERVICE_ACCOUNT, { groups: ['system:serviceaccounts', `system:serviceaccounts:${DEPLOY_RELEASE.namespace}`] });
  server = await startTrafficMetricsServer({
    prometheus: new PrometheusProvider({ address: 'http://127.0.0.1:9' }),
    mesh: 'linkerd',
    source: figures,
    port: 0,
    host: '127.0.0.1',
    access: { kind: 'delegated', kubeConfig: identity.kubeConfig, reloadIntervalMs: 200 },
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await sandbox?.stop();
});

const podinfo = `${BASE}/namespaces/test/deployments/podinfo`;

test('no client certificate, one from another CA, or a front-proxy certificate with another name: 401, whatever headers say', async () => {
  expect(await call(podinfo, { user: 'alice' })).toMatchObject({ status: 401, body: { reason: 'Unauthorized' } });
  const rogue = await signedCertificate(await certificateAuthority('front-proxy-ca'), 'front-proxy-client');
  expect(await call(podinfo, { client: rogue, user: 'alice' })).toMatchObject({ status: 401 });
  expect(await call(podinfo, { client: await signedCertificate(frontProxyCA, 'some-workload'), user: 'alice' })).toMatchObject({ status: 401 });
  // Signed by the right CA and named right, but issued for serving, not for client authentication.
  expect(await call(podinfo, { client: await signedCertificate(frontProxyCA, 'front-proxy-client', 'server'), user: 'alice' })).toMatchObject({ status: 401 });
  // The front proxy itself, naming nobody.
  expect(await call(podinfo, { client: frontProxy })).toMatchObject({ status: 401 });
});

test("the front proxy's user reads what RBAC lets it read, and nothing else (403 in kube-apiserver's words)", async () => {
  const read = await call(podinfo, { client: frontProxy, user: 'alice' });
  expect(read).toMatchObject({ status: 200, body: { kind: 'TrafficMetrics' } });
  expect(await call(`${BASE}/namespaces/test/deployments`, { client: frontProxy, user: 'alice' })).toMatchObject({ status: 200, body: { kind: 'TrafficMetricsList' } });
  expect(await call(`${BASE}/namespaces/other/deployments/podinfo`, { client: frontProxy, user: 'alice' })).toEqual({
    status: 403,
    body: expect.objectContaining({
      reason: 'Forbidden',
      message: 'deployments.metrics.smi-spec.io "podinfo" is forbidden: User "alice" cannot get resource "deployments" in API group "metrics.smi-spec.io" in the namespace "other"',
    }),
  });
  expect(await call(`${BASE}/deployments`, { client: frontProxy, user: 'alice' })).toMatchObject({ status: 403 });
  expect(await call(`${BASE}/namespaces/test/pods/podinfo-1`, { client: frontProxy, user: 'alice' })).toMatchObject({ status: 403 });
  expect(await call(podinfo, { client: frontProxy, user: 'mallory' })).toMatchObject({ status: 403 });
  // Groups come from the front proxy's group headers.
  expect(await call(`${BASE}/deployments`, { client: frontProxy, user: 'bob', groups: ['dev', 'sre'] })).toMatchObject({ status: 200 });
  expect(await call(`${BASE}/deployments`, { client: frontProxy, user: 'bob', groups: ['dev'] })).toMatchObject({ status: 403 });
  // Discovery is a path, not a resource: its own grant.
  expect(await call(BASE, { client: frontProxy, user: 'alice' })).toMatchObject({ status: 200, body: { kind: 'APIResourceList' } });
  expect(await call(BASE, { client: frontProxy, user: 'bob', groups: ['sre'] })).toMatchObject({ status: 403 });
  // Health stays open, as kube-apiserver's extension servers leave it for probes.
  expect(await call('/healthz')).toMatchObject({ status: 200 });
});

test('answers are asked once per user and request for a while, not once per call', async () => {
  const reviews = () => sandbox.server.requestCounts()['post subjectaccessreviews'] ?? 0;
  const before = reviews();
  for (let i = 0; i < 5; i++) expect((await call(`${BASE}/namespaces/test/deployments/cached`, { client: frontProxy, user: 'alice' })).status).toBe(200);
  expect(reviews() - before).toBe(1);
});

test("a rotated front-proxy CA is followed: the old proxy's certificate stops working, the new one's works", async () => {
  const rotatedCA = await certificateAuthority('front-proxy-ca-2');
  const rotated = await signedCertificate(rotatedCA, 'front-proxy-client');
  const core = sandbox.kubeConfig.makeApiClient(CoreV1Api);
  await core.patchNamespacedConfigMap(
    { ...AUTHENTICATION_CONFIGMAP, body: { data: { 'requestheader-client-ca-file': rotatedCA.cert } } },
    mergePatchOptions(),
  );
  await eventually('the rotated CA in use', async () => (await call(podinfo, { client: rotated, user: 'alice' })).status === 200);
  expect(await call(podinfo, { client: frontProxy, user: 'alice' })).toMatchObject({ status: 401 });
});

test("every call the server made under its own identity is one the chart's bindings allow", async () => {
  const used = sandbox.server.accessLog(SERVICE_ACCOUNT);
  expect(used.map((a) => `${a.group || 'core'}/${a.resource}:${a.verb}`).sort()).toEqual(['authorization.k8s.io/subjectaccessreviews:create', 'core/configmaps:get']);
  const authorization = sandbox.kubeConfig.makeApiClient(AuthorizationV1Api);
  for (const access of used) {
    const review = await authorization.createSubjectAccessReview({
      body: {
        spec: {
          user: SERVICE_ACCOUNT,
          groups: ['system:serviceaccounts', `system:serviceaccounts:${DEPLOY_RELEASE.namespace}`, 'system:authenticated'],
          resourceAttributes: { group: access.group, resource: access.resource, verb: access.verb, namespace: access.resource === 'configmaps' ? 'kube-system' : undefined, name: access.resource === 'configmaps' ? AUTHENTICATION_CONFIGMAP.name : undefined },
        },
      },
    });
    expect([access, review.status?.allowed]).toEqual([access, true]);
  }
});
