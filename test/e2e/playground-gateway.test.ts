import { weightSequence } from '../../src/engine/strategy.ts';
import { badVersionBound, PODINFO_ANALYSIS } from '../../src/playground/releases.ts';
import { playOnce } from './play-once.ts';
import { abExposure, routedByAbRoute, routedWhileOpen } from '../../src/playground/scenarios.ts';

// `npm start -- --router gatewayapi`: the good and the bad release and the A/B by header played through
// Gateway API HTTPRoutes (the upstream v1.6.1 CRDs), the data plane routing by them and answering in
// their status as a GAMMA mesh does. One run feeds every test.
describe('kanari playground through Gateway API HTTPRoutes', () => {
  const played = playOnce({ seed: 7, router: 'gatewayapi' });
  const { scenario } = played;
  const httpRoute = async (name: string) =>
    (await played.world.custom.getNamespacedCustomObject({ group: 'gateway.networking.k8s.io', version: 'v1', namespace: 'default', plural: 'httproutes', name })) as {
      spec: { parentRefs: unknown[] };
      status?: { parents?: { conditions?: { type: string; status: string }[] }[] };
    };


  test('the good release, the bad release and the A/B test end as expected', () => {
    expect(played.run.results.map((r) => [r.name, r.ok, r.problems])).toEqual([
      ['good-release', true, []],
      ['bad-release', true, []],
      ['ab-test', true, []],
    ]);
    expect(played.printed).toContain('data plane routing by Gateway API HTTPRoutes');
    expect(played.printed).toContain('HTTPRoute podinfo sends it 100%');
    expect(played.printed).not.toContain('npm start -- --router gatewayapi');
  });

  test('the releases moved HTTPRoute weights (no TrafficSplit), attached to the apex Service and accepted by the mesh', async () => {
    expect(scenario('good-release').weights).toEqual([...weightSequence(PODINFO_ANALYSIS).slice(1), 0]);
    expect(scenario('good-release').userErrors).toBe(0);
    const route = await httpRoute('podinfo');
    expect(route.spec.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'podinfo', port: 9898 }]);
    expect(route.status?.parents?.[0]?.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual(['Accepted=True', 'ResolvedRefs=True']);
    const splits = (await played.world.custom.listNamespacedCustomObject({ group: 'split.smi-spec.io', version: 'v1alpha4', namespace: 'default', plural: 'trafficsplits' })) as { items: unknown[] };
    expect(splits.items).toEqual([]);
  });

  test('the bad release reached no more users than the analysis allows, and none routed by a route state that gave it no weight', () => {
    const bad = scenario('bad-release');
    expect(bad.finalPhase).toBe('Failed');
    expect(bad.weights).toEqual([PODINFO_ANALYSIS.stepWeight, 0]);
    // Each request is judged by the HTTPRoute state that routed it: the data plane names its resourceVersion.
    const answers = bad.users.flatMap((u) => u.results);
    const onBad = answers.filter((r) => r.version === 'v3');
    expect(onBad.length).toBeGreaterThan(0);
    expect(onBad.length).toBeLessThanOrEqual(badVersionBound(PODINFO_ANALYSIS, answers.filter((r) => routedWhileOpen(bad, r)).length).requests);
    expect(onBad.filter((r) => !routedWhileOpen(bad, r))).toEqual([]);
    expect(new Set(onBad.map((r) => r.backend))).toEqual(new Set(['podinfo-canary']));
  });

  test('A/B by header: insiders routed by the HTTPRoute match all reach the new version, nobody else is routed to the canary', () => {
    const ab = scenario('ab-test');
    const { insiders, others } = abExposure(ab);
    expect(insiders.total).toBeGreaterThan(20);
    expect(insiders.onNew).toBe(insiders.total);
    expect(others.total).toBeGreaterThan(30);
    expect(others.onCanary).toBe(0);
    // Everyone else went through the route's fallback rule to the primary while the match was up (on v1
    // until the promotion updated the primary).
    const byRoute = ab.users.find((u) => u.label === 'everyone else')!.results.filter((r) => r.status === 200 && routedByAbRoute(ab, r));
    expect(new Set(byRoute.map((r) => r.backend))).toEqual(new Set(['frontend-primary']));
    expect(byRoute.filter((r) => r.version === 'v1').length).toBeGreaterThan(30);
  });
});
