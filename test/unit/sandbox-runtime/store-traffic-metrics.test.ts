import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTrafficMetricsHandler } from '../../../src/metrics/traffic-metrics-handler.ts';
import { StoreTrafficMetrics } from '../../../src/sandbox/dataplane/store-traffic-metrics.ts';
import { TrafficStore } from '../../../src/sandbox/dataplane/traffic-store.ts';

const NOW = Date.parse('2026-05-01T12:00:00.400Z');

describe('TrafficMetrics over the data plane\'s records', () => {
  let server: Server;
  let base: string;
  const store = new TrafficStore();
  const record = (deployment: string, success: boolean, latencyMs: number, at: number) =>
    store.record({ namespace: 'app', deployment, pod: `${deployment}-1`, version: 'v1', success, latencyMs, at });

  beforeAll(async () => {
    for (let i = 0; i < 90; i++) record('web', true, 15, NOW - 5_000);
    for (let i = 0; i < 10; i++) record('web', false, 15, NOW - 5_000);
    // Outside a 30s window, inside a 2m one.
    for (let i = 0; i < 50; i++) record('web', true, 15, NOW - 60_000);
    record('idle', true, 1, NOW - 300_000);
    server = createServer(createTrafficMetricsHandler({ source: new StoreTrafficMetrics(store), now: () => new Date(NOW) }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/apis/metrics.smi-spec.io/v1alpha1`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const get = async (path: string) => {
    const response = await fetch(`${base}${path}`);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads arbitrary JSON shapes
    return { status: response.status, body: (await response.json()) as any };
  };

  it('serves one Deployment with the five metrics in order, Quantity strings, and the window', async () => {
    const { status, body } = await get('/namespaces/app/deployments/web');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      kind: 'TrafficMetrics',
      apiVersion: 'metrics.smi-spec.io/v1alpha1',
      metadata: { name: 'web', namespace: 'app', creationTimestamp: '2026-05-01T12:00:00Z' },
      timestamp: '2026-05-01T12:00:00Z',
      window: '30s',
      resource: { kind: 'Deployment', namespace: 'app', name: 'web' },
      edge: { direction: 'from', resource: null },
    });
    expect(body.metrics).toEqual([
      { name: 'p99_response_latency', unit: 'ms', value: '19900m' },
      { name: 'p90_response_latency', unit: 'ms', value: '19' },
      { name: 'p50_response_latency', unit: 'ms', value: '15' },
      { name: 'success_count', value: '90' },
      { name: 'failure_count', value: '10' },
    ]);
  });

  it('widens the window with ?t=', async () => {
    const { body } = await get('/namespaces/app/deployments/web?t=2m');
    expect(body.window).toBe('2m0s');
    expect(body.metrics[3]).toEqual({ name: 'success_count', value: '140' });
  });

  it('reads a known workload without requests in the window (a target at 0 pods) as zero counts and no latency, not -9223372036854775808m', async () => {
    const { body } = await get('/namespaces/app/deployments/idle');
    expect(body.metrics).toEqual([{ name: 'success_count', value: '0' }, { name: 'failure_count', value: '0' }]);
  });

  it('answers 500 "unable to lookup metrics" for a workload never seen', async () => {
    expect(await get('/namespaces/app/deployments/ghost')).toEqual({ status: 500, body: { error: 'unable to lookup metrics' } });
  });

  it('lists per namespace, with items null when empty, and rejects unknown resources', async () => {
    const list = await get('/namespaces/app/deployments');
    expect(list.body.kind).toBe('TrafficMetricsList');
    expect(list.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['idle', 'web']);
    expect((await get('/namespaces/other/deployments')).body.items).toBeNull();
    expect((await get('/namespaces/app/statefulsets')).body.items).toBeNull();
    expect(await get('/namespaces/app/services')).toEqual({ status: 404, body: { error: 'Unsupported resource: services' } });
  });

  it('serves the APIResourceList and Namespace objects', async () => {
    const resources = await get('');
    expect(resources.body.resources.map((r: { name: string }) => r.name)).toEqual(['deployments', 'pods', 'daemonsets', 'statefulsets', 'namespaces']);
    const namespace = await get('/namespaces/app');
    expect(namespace.body.resource).toEqual({ kind: 'Namespace', name: 'app' });
    expect(namespace.body.metrics[3].value).toBe('90');
  });

  it('reports no edges: the data plane knows callers by ServiceAccount, not by workload', async () => {
    const edges = await get('/namespaces/app/deployments/web/edges');
    expect(edges).toMatchObject({ status: 200, body: { kind: 'TrafficMetricsList', resource: { kind: 'Deployment', namespace: 'app', name: 'web' }, items: null } });
  });
});
