import { createControllerMetrics } from '../../../src/server/controller-metrics.ts';
import { startHealthServer, type HealthServer } from '../../../src/server/health-server.ts';

describe('health server', () => {
  let server: HealthServer;
  let informersSynced = false;
  const metrics = createControllerMetrics();

  beforeAll(async () => {
    server = await startHealthServer({
      registry: metrics.registry,
      readiness: [{ name: 'informer canaries', healthy: () => informersSynced }],
    });
  });
  afterAll(() => server.close());

  test('healthz answers while readyz names what is not ready, until it is', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${server.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.text()).toBe('not ready: informer canaries\n');
    informersSynced = true;
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  test('metrics expose the kanari_canary_* series with their labels', async () => {
    metrics.weight.set({ workload: 'podinfo', namespace: 'test' }, 30);
    metrics.status.set({ name: 'podinfo', namespace: 'test' }, 0);
    const body = await (await fetch(`${server.url}/metrics`)).text();
    expect(body).toContain('kanari_canary_weight{workload="podinfo",namespace="test"} 30');
    expect(body).toContain('kanari_canary_status{name="podinfo",namespace="test"} 0');
    expect(body).toContain('# TYPE kanari_canary_duration_seconds histogram');
  });

  test('unknown paths are 404', async () => {
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });
});
