import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiException, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startApiServer } from '../../../src/sandbox/apiserver/index.ts';
import { startSandbox, type Sandbox } from '../../helpers/sandbox.ts';

// Serving concerns through client-node: TLS, auth, injected faults, persistence, aggregated APIs, accounting.

async function statusOf(p: Promise<unknown>): Promise<{ code: number; headers: Record<string, string>; body: { reason?: string; details?: { retryAfterSeconds?: number } } }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiException) return { code: err.code, headers: err.headers, body: typeof err.body === 'string' ? JSON.parse(err.body) : {} };
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('sandbox API server serving', () => {
  let sandbox: Sandbox;
  let core: CoreV1Api;

  beforeAll(async () => {
    sandbox = await startSandbox();
    core = sandbox.kubeConfig.makeApiClient(CoreV1Api);
  });
  afterEach(() => sandbox.server.faults.reset());
  afterAll(() => sandbox.stop());

  test('HTTPS with a self-signed certificate the kubeconfig trusts, and 401 without the token', async () => {
    const server = await startApiServer({ https: true });
    try {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const ns = await server.kubeConfig.makeApiClient(CoreV1Api).listNamespace();
      expect(ns.items.map((n) => n.metadata?.name)).toContain('default');
      const anonymous = new KubeConfig();
      anonymous.loadFromString(server.kubeconfigYaml().replace(server.token, 'wrong-token'));
      const denied = await statusOf(anonymous.makeApiClient(CoreV1Api).listNamespace());
      expect(denied.code).toBe(401);
      const bare = await fetch(`${sandbox.server.url}/api/v1/namespaces`);
      expect(bare.status).toBe(401);
      expect(await bare.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    } finally {
      await server.stop();
    }
  });

  test('failNext answers 5xx, then 429 with Retry-After, then recovers', async () => {
    sandbox.server.faults.failNext(1, 503);
    expect((await statusOf(core.listNamespace())).code).toBe(503);
    sandbox.server.faults.failNext(1, 429, 7);
    const throttled = await statusOf(core.listNamespace());
    expect(throttled.code).toBe(429);
    expect(throttled.headers['retry-after']).toBe('7');
    expect(throttled.body.details?.retryAfterSeconds).toBe(7);
    expect((await core.listNamespace()).items.length).toBeGreaterThan(0);
  });

  test('conflictNext forces one 409 on the next write', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'forced' } } });
    sandbox.server.faults.conflictNext();
    const cm = await core.readNamespacedConfigMap({ namespace: 'default', name: 'forced' });
    expect((await statusOf(core.replaceNamespacedConfigMap({ namespace: 'default', name: 'forced', body: { ...cm, data: { a: '1' } } }))).code).toBe(409);
    const ok = await core.replaceNamespacedConfigMap({ namespace: 'default', name: 'forced', body: { ...cm, data: { a: '1' } } });
    expect(ok.data).toEqual({ a: '1' });
  });

  test('added latency slows every request', async () => {
    sandbox.server.faults.setLatency(150);
    const started = performance.now();
    await core.listNamespace();
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  test('down refuses connections; up serves the same objects on the same port', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'survivor' } } });
    await sandbox.server.faults.down();
    await expect(core.listNamespace()).rejects.toThrow();
    await sandbox.server.faults.up();
    expect((await core.readNamespacedConfigMap({ namespace: 'default', name: 'survivor' })).metadata?.name).toBe('survivor');
  });

  test('request counts per verb and resource, over the API and at /debug/requests', async () => {
    sandbox.server.resetRequestCounts();
    await core.listNamespacedConfigMap({ namespace: 'default' });
    await core.readNamespace({ name: 'default' });
    expect(sandbox.server.requestCounts()).toEqual({ 'list configmaps': 1, 'get namespaces': 1 });
    const debug = await sandbox.rawRequest('GET', '/debug/requests');
    expect(debug.body).toMatchObject({ 'list configmaps': 1, 'get namespaces': 1 });
  });

  test('an aggregated API is served, listed in discovery and has an Available APIService', async () => {
    const unmount = sandbox.server.mountAggregatedApi(
      'metrics.smi-spec.io',
      'v1alpha1',
      [{ name: 'deployments', kind: 'TrafficMetrics', namespaced: true, verbs: ['get', 'list'] }],
      (_req, res, path) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'TrafficMetrics', path }));
      },
    );
    try {
      const served = await sandbox.rawRequest('GET', '/apis/metrics.smi-spec.io/v1alpha1/namespaces/default/deployments/podinfo');
      expect(served.body).toEqual({ kind: 'TrafficMetrics', path: '/namespaces/default/deployments/podinfo' });
      const groups = (await sandbox.rawRequest('GET', '/apis')).body as { groups: { name: string }[] };
      expect(groups.groups.map((g) => g.name)).toContain('metrics.smi-spec.io');
      const resources = (await sandbox.rawRequest('GET', '/apis/metrics.smi-spec.io/v1alpha1')).body as { resources: { name: string; kind: string }[] };
      expect(resources.resources).toEqual([expect.objectContaining({ name: 'deployments', kind: 'TrafficMetrics' })]);
      const apiService = (await sandbox.rawRequest('GET', '/apis/apiregistration.k8s.io/v1/apiservices/v1alpha1.metrics.smi-spec.io')).body as { status: { conditions: { type: string; status: string }[] } };
      expect(apiService.status.conditions).toEqual([expect.objectContaining({ type: 'Available', status: 'True' })]);
    } finally {
      unmount();
    }
    expect((await sandbox.rawRequest('GET', '/apis/metrics.smi-spec.io/v1alpha1')).status).toBe(404);
  });

  test('with a data file the objects and resourceVersion survive a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kanari-apiserver-'));
    const dataFile = join(dir, 'store.json');
    try {
      const first = await startApiServer({ https: false, dataFile });
      const created = await first.kubeConfig.makeApiClient(CoreV1Api).createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'kept' }, data: { a: '1' } } });
      await first.stop();
      const second = await startApiServer({ https: false, dataFile });
      try {
        const c2 = second.kubeConfig.makeApiClient(CoreV1Api);
        const got = await c2.readNamespacedConfigMap({ namespace: 'default', name: 'kept' });
        expect(got.data).toEqual({ a: '1' });
        expect(got.metadata?.uid).toBe(created.metadata?.uid);
        const next = await c2.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'later' } } });
        expect(Number(next.metadata?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
