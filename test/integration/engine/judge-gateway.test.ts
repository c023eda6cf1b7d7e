import type { CanarySpec } from '../../../src/api/canary.ts';
import { isNotFound } from '../../../src/kube/api-errors.ts';
import type { HttpRoute } from '../../../src/router/gateway-api/http-route.ts';
import { EngineHarness, NAMESPACE } from './engine-harness.ts';
import { RouteHistory } from './route-history.ts';

/**
 * `analysis.baseline` on the Gateway API router: the real controller with `provider: gatewayapi` against
 * the sandbox API server holding the upstream v1.6.1 CRDs (their schemas and CEL rules judge every
 * write) and the sandbox data plane answering in the route's status. The baseline is the HTTPRoute's
 * third weighted backendRef while the analysis runs, with the canary's weight, and leaves the route
 * with its Deployment and Service when the run ends.
 */

const GROUP = 'gateway.networking.k8s.io';
const EVEN = { kind: 'metrics', success: 990, failure: 10, p99Ms: 100 } as const;
const BAD = { kind: 'metrics', success: 900, failure: 100, p99Ms: 100 } as const;

const analysis: CanarySpec['analysis'] = {
  interval: '1m',
  threshold: 2,
  stepWeight: 20,
  maxWeight: 60,
  baseline: true,
  metrics: [{ name: 'request-success-rate', interval: '1m', thresholdRange: { min: 90 }, compare: { maxIncrease: '20%' } }],
};

describe('the baseline as a third backendRef of an HTTPRoute', () => {
  let world: EngineHarness;
  let routes: RouteHistory;

  beforeAll(async () => {
    world = await EngineHarness.start({ gatewayApi: { release: 'v1.6.1', served: ['v1'] } });
    routes = new RouteHistory({ kubeConfig: world.sandbox.kubeConfig, custom: world.custom, namespace: NAMESPACE, version: 'v1' });
    await routes.start();
    await world.startController();
  });
  afterAll(async () => {
    await routes?.stop();
    await world?.stop();
  });

  const deploymentOf = (name: string) => world.apps.readNamespacedDeployment({ name, namespace: NAMESPACE }).catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)));
  const serviceOf = (name: string) => world.core.readNamespacedService({ name, namespace: NAMESPACE }).catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)));
  const storedRoute = async (name: string) => (await world.custom.getNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: NAMESPACE, plural: 'httproutes', name })) as HttpRoute;

  async function shipped(name: string, canary: typeof EVEN | typeof BAD): Promise<void> {
    await world.ship(name, { provider: 'gatewayapi', analysis }, () => {
      for (const side of [`${name}-primary`, `${name}-baseline`]) world.traffic.set(side, { ...EVEN });
      world.traffic.set(name, { ...canary });
    });
  }

  test('promotion: the baseline gets the canary’s weight on the route, is judged against, and leaves the route with its objects', async () => {
    await shipped('podinfo', EVEN);
    const judging = await world.advanceUntil('podinfo', (s) => s.phase === 'Progressing' && (s.judge?.state?.metrics[0].intervals ?? 0) >= 1, 'a judged step');
    expect(judging.judge?.against).toBe('baseline');
    expect(judging.lastAnalysis?.[0].comparison).toMatchObject({ against: 'baseline', referenceRequests: 1000, referenceFailures: 10 });
    // The data plane resolved every backendRef, the baseline Service included.
    expect(await serviceOf('podinfo-baseline')).toBeDefined();
    const route = await storedRoute('podinfo');
    expect(route.status?.parents?.[0].conditions?.map((c) => `${c.type}=${c.status}`)).toEqual(['Accepted=True', 'ResolvedRefs=True']);

    await world.runUntilPhase('podinfo', 'Succeeded');
    // Each step as stored: the baseline has the canary's share (at 60 only 40 are left for it); before
    // the run and after the analysis the route has no trace of it.
    expect(routes.layouts('podinfo')).toEqual([
      '[/ → podinfo-primary:100 podinfo-canary:0]',
      '[/ → podinfo-primary:60 podinfo-canary:20 podinfo-baseline:20]',
      '[/ → podinfo-primary:20 podinfo-canary:40 podinfo-baseline:40]',
      '[/ → podinfo-primary:0 podinfo-canary:60 podinfo-baseline:40]',
      '[/ → podinfo-primary:40 podinfo-canary:60]',
      '[/ → podinfo-primary:100 podinfo-canary:0]',
    ]);
    expect(await deploymentOf('podinfo-baseline')).toBeUndefined();
    expect(await serviceOf('podinfo-baseline')).toBeUndefined();
  });

  test('rollback: a canary failing 10× as often as the baseline is rolled back in words, and the baseline leaves the route', async () => {
    await shipped('orders', BAD);
    const failed = await world.runUntilPhase('orders', 'Failed');
    expect(failed.failureReason).toBe('CanaryWorseThanBaseline');
    expect((await world.events('orders')).find((e) => e.startsWith('CanaryWorseThanBaseline: '))).toMatch(
      /^CanaryWorseThanBaseline: Rolling back orders\.test: canary fails 10× as often as baseline \(95 %: [\d.]+–[\d.]+×\), tolerated 1\.2×$/,
    );
    expect(routes.layouts('orders')).toContain('[/ → orders-primary:60 orders-canary:20 orders-baseline:20]');
    expect(routes.layouts('orders').at(-1)).toBe('[/ → orders-primary:100 orders-canary:0]');
    expect(await deploymentOf('orders-baseline')).toBeUndefined();
    expect(await serviceOf('orders-baseline')).toBeUndefined();
  });
});
