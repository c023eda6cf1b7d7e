import type { Canary } from '../../../src/api/canary.ts';
import { KubernetesRouter } from '../../../src/router/kubernetes-router.ts';
import { parseProvider } from '../../../src/router/provider.ts';

describe("Flagger's kubernetes provider", () => {
  const canary = { spec: { provider: 'kubernetes' } } as Canary;

  test('is a router of its own kind, chosen by spec.provider', () => {
    expect(parseProvider('kubernetes')).toEqual({ kind: 'kubernetes' });
    expect(parseProvider('linkerd')).toEqual({ kind: 'smi' });
  });

  test('moves no traffic: always available, never routing, every action a no-op', async () => {
    const router = new KubernetesRouter();
    expect(await router.observe()).toEqual({ available: true, abTesting: false, routesTraffic: false });
    await router.ensureRoute();
    await router.setWeights(canary, { canary: 100, primary: 0 });
    await router.setRouteMatches(canary, [{ headers: { x: { exact: 'y' } } }]);
    await router.removeRoute();
    expect(await router.getWeights()).toBeUndefined();
  });
});
