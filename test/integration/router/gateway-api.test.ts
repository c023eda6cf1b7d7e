import { CustomObjectsApi } from '@kubernetes/client-node';
import type { Canary, CanaryMatch, CanarySpec } from '../../../src/api/canary.ts';
import type { CanaryStatus } from '../../../src/api/canary-status.ts';
import { createKubeClients } from '../../../src/kube/client.ts';
import { mergePatchOptions } from '../../../src/kube/patch.ts';
import { RouterFactory } from '../../../src/router/factory.ts';
import type { HttpRoute } from '../../../src/router/gateway-api/http-route.ts';
import type { TrafficRouter } from '../../../src/router/router.ts';
import { gatewayApiCrds, type GatewayApiVersion } from '../../../src/sandbox/gateway-api-crds.ts';
import { startSandbox, type Sandbox } from '../../helpers/sandbox.ts';
import { appCanary, createCanary } from '../workload/fixtures.ts';

// The Gateway API router against the sandbox API server holding the upstream CRDs, which evaluates their
// OpenAPI schemas and CEL rules as a real API server does: every route written here was accepted by
// them (a refused write fails the test). Each CRD set a cluster may have: Gateway API v1.0.0 serving only
// v1beta1 (as v0.6–v0.8 did) or both versions, and v1.6.1 serving only v1 or both.

interface CrdSet {
  label: string;
  release: GatewayApiVersion;
  served: ('v1' | 'v1beta1')[];
  /** The version Kanari should write in. */
  writes: 'v1' | 'v1beta1';
}

const CRD_SETS: CrdSet[] = [
  { label: 'v1.0.0 serving v1beta1 only', release: 'v1.0.0', served: ['v1beta1'], writes: 'v1beta1' },
  { label: 'v1.0.0 serving v1 and v1beta1', release: 'v1.0.0', served: ['v1', 'v1beta1'], writes: 'v1' },
  { label: 'v1.6.1 serving v1 only', release: 'v1.6.1', served: ['v1'], writes: 'v1' },
  { label: 'v1.6.1 serving v1 and v1beta1', release: 'v1.6.1', served: ['v1', 'v1beta1'], writes: 'v1' },
];

let counter = 0;

describe.each(CRD_SETS.map((set) => [set.label, set]))('Gateway API router, %s', (_label, set: CrdSet) => {
  let sandbox: Sandbox;
  let custom: CustomObjectsApi;
  let router: TrafficRouter;
  // v1.0.0's standard channel has no parentRefs[].port, no timeouts and no mirror percent.
  const later = set.release !== 'v1.0.0';

  beforeAll(async () => {
    sandbox = await startSandbox();
    await sandbox.installCrds('crds/kanari.dev_canaries.yaml', ...(gatewayApiCrds(set.release, { served: set.served }) as never[]));
    const clients = createKubeClients({ kind: 'given', kubeConfig: sandbox.kubeConfig });
    custom = clients.custom;
    router = new RouterFactory({ clients }).forCanary(appCanary('x', { provider: 'gatewayapi' }));
  });
  afterAll(() => sandbox?.stop());

  async function canary(spec: Partial<CanarySpec> = {}, status?: CanaryStatus): Promise<Canary> {
    const namespace = `gw-${++counter}`;
    await sandbox.createNamespace(namespace);
    const created = await createCanary(sandbox.kubeConfig, appCanary(namespace, { provider: 'gatewayapi', ...spec }));
    return status ? { ...created, status } : created;
  }
  const read = async (c: Canary, version = set.writes) =>
    (await custom.getNamespacedCustomObject({ group: 'gateway.networking.k8s.io', version, namespace: c.metadata.namespace!, plural: 'httproutes', name: 'app' })) as HttpRoute;
  const backends = (route: HttpRoute) => route.spec.rules?.map((r) => (r.backendRefs ?? []).map((b) => `${b.name}:${b.weight}`).join(' '));

  test(`writes the route in ${set.writes}, attached to the apex Service, owned by the Canary, and steps the weights`, async () => {
    const c = await canary();
    expect(await router.capabilities(c)).toMatchObject({ available: true, abTesting: true, apiVersion: `gateway.networking.k8s.io/${set.writes}` });
    await router.ensureRoute(c);
    let route = await read(c);
    expect(route.apiVersion).toBe(`gateway.networking.k8s.io/${set.writes}`);
    expect(route.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Canary', name: 'app', uid: c.metadata.uid, controller: true });
    expect(route.spec.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'app', ...(later ? { port: 80 } : {}) }]);
    expect(route.spec.hostnames).toBeUndefined();
    expect(backends(route)).toEqual(['app-primary:100 app-canary:0']);
    for (const weight of [10, 20, 50]) {
      await router.setWeights(c, { canary: weight, primary: 100 - weight });
      route = await read(c);
      expect(backends(route)).toEqual([`app-primary:${100 - weight} app-canary:${weight}`]);
      expect(await router.observe(c)).toMatchObject({ available: true, weights: { canary: weight, primary: 100 - weight }, weightsFresh: true, routeCurrent: true });
    }
    // An existing route keeps its weights on ensure (a restart must not reset a run).
    await router.ensureRoute(c);
    expect(backends(await read(c))).toEqual(['app-primary:50 app-canary:50']);
  });

  test('north–south: parents are the gatewayRefs, hosts are the hostnames; timeouts, headers and rewrite become the rule\'s', async () => {
    const c = await canary({
      service: {
        port: 80,
        hosts: ['app.example.com'],
        gatewayRefs: [{ name: 'public', namespace: 'gateway-system', sectionName: 'https', port: 443 }],
        timeout: '30s',
        backendTimeout: '10s',
        headers: { request: { set: { 'x-route': 'kanari' } }, response: { add: { 'x-served-by': 'app' }, remove: ['server'] } },
        rewrite: { uri: '/v2' },
      },
    });
    await router.setWeights(c, { canary: 20, primary: 80 });
    const route = await read(c);
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'gateway-system', sectionName: 'https', ...(later ? { port: 443 } : {}) }]);
    expect(route.spec.hostnames).toEqual(['app.example.com']);
    const rule = route.spec.rules![0];
    expect(rule.timeouts).toEqual(later ? { request: '30s', backendRequest: '10s' } : undefined);
    expect(rule.filters).toEqual([
      { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-route', value: 'kanari' }] } },
      { type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'x-served-by', value: 'app' }], remove: ['server'] } },
      { type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/v2' } } },
    ]);
    expect((await router.observe(c)).routeCurrent).toBe(true);
  });

  test('A/B: headers, query parameters and a cookie routed to the canary before everyone else, and taken down again', async () => {
    const match: CanaryMatch[] = [
      { headers: { 'x-canary': { exact: 'insider' } } },
      { queryParams: { canary: { exact: 'true' } } },
      { headers: { cookie: { regex: '^(.*?;)?(canary=always)(;.*)?$' } } },
    ];
    const c = await canary({ analysis: { interval: '1m', threshold: 2, iterations: 3, match } });
    await router.ensureRoute(c);
    await router.setRouteMatches(c, match);
    await router.setWeights(c, { canary: 100, primary: 0 });
    let route = await read(c);
    expect(route.spec.rules?.map((r) => r.matches)).toEqual([
      [
        { path: { type: 'PathPrefix', value: '/' }, headers: [{ type: 'Exact', name: 'x-canary', value: 'insider' }] },
        { path: { type: 'PathPrefix', value: '/' }, queryParams: [{ type: 'Exact', name: 'canary', value: 'true' }] },
        { path: { type: 'PathPrefix', value: '/' }, headers: [{ type: 'RegularExpression', name: 'cookie', value: '^(.*?;)?(canary=always)(;.*)?$' }] },
      ],
      [{ path: { type: 'PathPrefix', value: '/' } }],
    ]);
    expect(backends(route)).toEqual(['app-primary:0 app-canary:100', 'app-primary:100']);
    expect(await router.observe(c)).toMatchObject({ weights: { canary: 100, primary: 0 }, routeCurrent: true });
    // ensureRoute (a spec re-sync) keeps the A/B rules up.
    await router.ensureRoute(c);
    expect(backends(await read(c))).toEqual(['app-primary:0 app-canary:100', 'app-primary:100']);
    await router.setWeights(c, { canary: 0, primary: 100 });
    await router.setRouteMatches(c, []);
    route = await read(c);
    expect(backends(route)).toEqual(['app-primary:100 app-canary:0']);
    expect(route.spec.rules?.[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/' } }]);
  });

  test('session affinity: the cookies of the status become a sticky rule and Set-Cookie headers, then expire', async () => {
    const affinity = { cookieName: 'canary-session', maxAge: 3600, primaryCookieName: 'primary-session' };
    const running: CanaryStatus = { phase: 'Progressing', sessionAffinityCookie: 'canary-session=abc-1', primarySessionAffinityCookie: 'primary-session=abc-1' };
    const c = await canary({ analysis: { interval: '1m', threshold: 2, stepWeight: 10, maxWeight: 50, sessionAffinity: affinity } }, running);
    await router.setWeights(c, { canary: 10, primary: 90 });
    let route = await read(c);
    expect(backends(route)).toEqual(['app-canary:100', 'app-primary:100', 'app-primary:90 app-canary:10']);
    expect(route.spec.rules?.[0].matches?.[0].headers).toEqual([{ type: 'RegularExpression', name: 'Cookie', value: '^(.*;\\s*)?canary-session=abc-1(;.*)?$' }]);
    const weighted = route.spec.rules![2].backendRefs!;
    expect(weighted.map((b) => b.filters)).toEqual([
      [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'Set-Cookie', value: 'primary-session=abc-1; Max-Age=3600' }] } }],
      [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'Set-Cookie', value: 'canary-session=abc-1; Max-Age=3600' }] } }],
    ]);
    expect(await router.observe(c)).toMatchObject({ weights: { canary: 10, primary: 90 }, routeCurrent: true });
    // The run ends: the cookie became the previous one, which the route now expires on its holders.
    const ended = { ...c, status: { phase: 'Succeeded' as const, previousSessionAffinityCookie: 'canary-session=abc-1' } };
    await router.setWeights(ended, { canary: 0, primary: 100 });
    route = await read(c);
    expect(backends(route)).toEqual(['app-primary:100', 'app-primary:100 app-canary:0']);
    expect(route.spec.rules?.[0].filters).toEqual([{ type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'Set-Cookie', value: 'canary-session=abc-1; Max-Age=-1' }] } }]);
  });

  test(`mirroring: a RequestMirror filter to the canary${later ? ' with its percent' : ', without percent (not in the v1.0.0 schema)'}`, async () => {
    const c = await canary({ analysis: { interval: '1m', threshold: 2, stepWeight: 10, maxWeight: 50, mirror: true, mirrorWeight: 25 } }, { phase: 'Progressing', trafficMirrored: true });
    await router.setWeights(c, { canary: 0, primary: 100 });
    const route = await read(c);
    const mirror = { backendRef: { group: '', kind: 'Service', name: 'app-canary', port: 80 }, ...(later ? { percent: 25 } : {}) };
    expect(route.spec.rules?.[0].filters).toEqual([{ type: 'RequestMirror', requestMirror: mirror }]);
    expect(await router.observe(c)).toMatchObject({ mirrorPercent: later, routeCurrent: true });
    await router.setWeights({ ...c, status: { phase: 'Progressing' } }, { canary: 10, primary: 90 });
    expect((await read(c)).spec.rules?.[0].filters).toBeUndefined();
  });

  test("other writers' rules and fields survive Kanari's writes; their weight edits are seen as they are", async () => {
    const c = await canary();
    await router.ensureRoute(c);
    const route = await read(c);
    const foreign = { matches: [{ path: { type: 'PathPrefix', value: '/admin' } }], backendRefs: [{ group: '', kind: 'Service', name: 'admin', port: 8080, weight: 1 }] };
    await custom.patchNamespacedCustomObject(
      {
        group: 'gateway.networking.k8s.io', version: set.writes, namespace: c.metadata.namespace!, plural: 'httproutes', name: 'app',
        body: { metadata: { labels: { team: 'web' } }, spec: { rules: [{ ...route.spec.rules![0], backendRefs: [{ ...route.spec.rules![0].backendRefs![0], weight: 50 }, { ...route.spec.rules![0].backendRefs![1], weight: 50 }] }, foreign] } },
      },
      mergePatchOptions(),
    );
    expect(await router.observe(c)).toMatchObject({ weights: { canary: 50, primary: 50 } });
    await router.setWeights(c, { canary: 10, primary: 90 });
    const after = await read(c);
    expect(backends(after)).toEqual(['app-primary:90 app-canary:10', 'admin:1']);
    expect(after.metadata.labels).toEqual({ team: 'web' });
  });

  test('not served versions and a missing CRD are reported with what to do', async () => {
    const other = set.served.includes('v1beta1') && set.served.includes('v1') ? undefined : set.served.includes('v1') ? 'v1beta1' : 'v1';
    if (other) {
      const c = await canary({ provider: `gatewayapi:${other}` });
      expect(await router.observe(c)).toMatchObject({ available: false, reason: expect.stringMatching(new RegExp(`pins HTTPRoute ${other}, but the cluster serves ${set.served.join(', ')}`)) });
    }
    const c = await canary({ provider: `gatewayapi:${set.writes}` });
    expect(await router.observe(c)).toMatchObject({ available: true });
  });
});
