import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTrafficMetricsHandler, formatMetricValue, routeOf, windowFromQuery, type TrafficMetricsSource } from '../../../src/metrics/traffic-metrics-handler.ts';

const BASE = '/apis/metrics.smi-spec.io/v1alpha1';

describe('TrafficMetrics values', () => {
  it('formats counts and latencies as smi-metrics did: milli-quantities, truncated', () => {
    expect(formatMetricValue(296.875)).toBe('296875m');
    expect(formatMetricValue(73)).toBe('73');
    expect(formatMetricValue(0)).toBe('0');
    expect(formatMetricValue(1500)).toBe('1500');
    expect(formatMetricValue(2.0004)).toBe('2');
    expect(formatMetricValue(Number.NaN)).toBe('-9223372036854775808m');
  });

  it('reads ?t= as a duration and falls back to 30s', () => {
    expect(windowFromQuery('1m').milliseconds).toBe(60_000);
    expect(windowFromQuery('2m').text).toBe('2m0s');
    expect(windowFromQuery('nonsense').text).toBe('30s');
    expect(windowFromQuery(null).text).toBe('30s');
  });
});

describe("smi-metrics' routes", () => {
  it('serves lists, objects and edges, with or without the group prefix', () => {
    expect(routeOf(BASE)).toEqual({ action: 'resources' });
    expect(routeOf(`${BASE}/deployments`)).toEqual({ action: 'list', kind: 'Deployment' });
    expect(routeOf(`${BASE}/namespaces/app`)).toEqual({ action: 'get', kind: 'Namespace', name: 'app' });
    expect(routeOf(`${BASE}/namespaces/app/edges`)).toEqual({ action: 'edges', kind: 'Namespace', name: 'app' });
    expect(routeOf(`${BASE}/namespaces/app/deployments`)).toEqual({ action: 'list', kind: 'Deployment', namespace: 'app' });
    expect(routeOf(`${BASE}/namespaces/app/deployments/web`)).toEqual({ action: 'get', kind: 'Deployment', namespace: 'app', name: 'web' });
    expect(routeOf('/namespaces/app/statefulsets/db/edges')).toEqual({ action: 'edges', kind: 'Statefulset', namespace: 'app', name: 'db' });
  });

  it("names an unsupported resource and keeps chi's quirks for other paths", () => {
    expect(routeOf(`${BASE}/namespaces/app/services/web`)).toEqual({ action: 'unsupported', resource: 'services' });
    expect(routeOf(`${BASE}/replicasets`)).toEqual({ action: 'unsupported', resource: 'replicasets' });
    // chi matched /namespaces/{ns}/edges first, so any list resource starting with "e" fell through to 404.
    expect(routeOf(`${BASE}/namespaces/app/endpoints`)).toEqual({ action: 'not-found' });
    expect(routeOf(`${BASE}/deployments/web`)).toEqual({ action: 'not-found' });
    expect(routeOf(`${BASE}/namespaces/app/deployments/web/pods`)).toEqual({ action: 'not-found' });
  });
});

describe('a failing source', () => {
  it("is answered 500 with its reason, as smi-metrics answered a Prometheus error, and the server lives on", async () => {
    const failing: TrafficMetricsSource = {
      resources: async () => {
        throw new Error('Prometheus http://prometheus:9090 is unreachable');
      },
      edges: async () => [],
    };
    const server = createServer(createTrafficMetricsHandler({ source: failing }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${BASE}`;
      const failed = await fetch(`${base}/namespaces/app/deployments/web`);
      expect([failed.status, await failed.json()]).toEqual([500, { error: 'Prometheus http://prometheus:9090 is unreachable' }]);
      const edges = await fetch(`${base}/namespaces/app/deployments/web/edges`);
      expect([edges.status, ((await edges.json()) as { items: unknown }).items]).toEqual([200, null]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
