import { ApiextensionsV1Api, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import type { CanarySpec } from '../../../src/api/canary.ts';
import { mergePatchOptions } from '../../../src/kube/patch.ts';
import type { HttpRoute } from '../../../src/router/gateway-api/http-route.ts';
import { SANDBOX_CONTROLLER, SANDBOX_GATEWAY_CLASS } from '../../../src/sandbox/dataplane/http-route-status.ts';
import { gatewayApiCrds, type GatewayApiVersion } from '../../../src/sandbox/gateway-api-crds.ts';
import { eventually } from '../../helpers/eventually.ts';
import { EngineHarness, NAMESPACE, quickAnalysis } from './engine-harness.ts';
import { RouteHistory } from './route-history.ts';

/**
 * The real controller with `provider: gatewayapi` against the sandbox API server holding the upstream
 * Gateway API CRDs (whose schemas and CEL rules accept or refuse every write, as a real server does),
 * the sandbox data plane answering in route statuses as a mesh would, on a fake clock. Each strategy's
 * HTTPRoute is read from a watch, step by step, as stored.
 */

const HEALTHY = { kind: 'metrics', success: 995, failure: 1, p99Ms: 120 } as const;
const GROUP = 'gateway.networking.k8s.io';

interface CrdSet {
  label: string;
  release: GatewayApiVersion;
  served: string[];
  version: 'v1' | 'v1beta1';
}

const CRD_SETS: CrdSet[] = [
  { label: 'Gateway API v1.0.0 serving HTTPRoute v1beta1 only', release: 'v1.0.0', served: ['v1beta1'], version: 'v1beta1' },
  { label: 'Gateway API v1.6.1 serving HTTPRoute v1 only', release: 'v1.6.1', served: ['v1'], version: 'v1' },
  { label: 'Gateway API v1.6.1 serving v1 and v1beta1', release: 'v1.6.1', served: ['v1', 'v1beta1'], version: 'v1' },
];

async function started(set: CrdSet): Promise<{ world: EngineHarness; routes: RouteHistory }> {
  const world = await EngineHarness.start({ gatewayApi: { release: set.release, served: set.served } });
  const routes = new RouteHistory({ kubeConfig: world.sandbox.kubeConfig, custom: world.custom, namespace: NAMESPACE, version: set.version });
  await routes.start();
  await world.startController();
  return { world, routes };
}

async function release(world: EngineHarness, name: string, spec: Partial<CanarySpec> & { analysis: CanarySpec['analysis'] }, phase = 'Succeeded'): Promise<void> {
  await world.ship(name, { provider: 'gatewayapi', ...spec }, () => world.traffic.set(name, { ...HEALTHY }));
  await world.runUntilPhase(name, phase);
}

describe.each(CRD_SETS.map((set) => [set.label, set]))('provider gatewayapi on %s', (_label, set: CrdSet) => {
  let world: EngineHarness;
  let routes: RouteHistory;
  // v1.0.0's standard channel has no mirror percent.
  const percent = set.release === 'v1.0.0' ? '' : '@50%';

  beforeAll(async () => {
    ({ world, routes } = await started(set));
  });
  afterAll(async () => {
    await routes?.stop();
    await world?.stop();
  });

  test(`a weighted canary: the ${set.version} HTTPRoute steps 0 → 20 → 40 → 60 → 0 and its parent accepts every version`, async () => {
    await release(world, 'podinfo', { analysis: quickAnalysis() });
    expect(routes.layouts('podinfo')).toEqual([0, 20, 40, 60, 0].map((w) => `[/ → podinfo-primary:${100 - w} podinfo-canary:${w}]`));
    const route = routes.of('podinfo').at(-1)!;
    expect(route.apiVersion).toBe(`${GROUP}/${set.version}`);
    expect(route.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Canary', name: 'podinfo' });
    const stored = (await world.custom.getNamespacedCustomObject({ group: GROUP, version: set.version, namespace: NAMESPACE, plural: 'httproutes', name: 'podinfo' })) as HttpRoute;
    expect(stored.status?.parents?.map((p) => [p.controllerName, p.conditions?.map((c) => `${c.type}=${c.status}`)])).toEqual([[SANDBOX_CONTROLLER, ['Accepted=True', 'ResolvedRefs=True']]]);
    expect((await world.status('podinfo')).conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  test('A/B by header and query parameter: matched requests to the canary for the run, everyone else to the primary', async () => {
    const match = [{ headers: { 'x-canary': { exact: 'insider' } } }, { queryParams: { preview: { exact: 'on' } } }];
    await release(world, 'frontend', { analysis: quickAnalysis({ stepWeight: undefined, maxWeight: undefined, iterations: 2, match }) });
    expect(routes.layouts('frontend')).toEqual([
      '[/ → frontend-primary:100 frontend-canary:0]',
      '[x-canary=insider,?preview=on → frontend-primary:100 frontend-canary:0] | [/ → frontend-primary:100]',
      '[x-canary=insider,?preview=on → frontend-primary:0 frontend-canary:100] | [/ → frontend-primary:100]',
      // On the way out the engine moves the weights before it takes the matches down.
      '[x-canary=insider,?preview=on → frontend-primary:100 frontend-canary:0] | [/ → frontend-primary:100]',
      '[/ → frontend-primary:100 frontend-canary:0]',
    ]);
  });

  test(`blue/green with mirror: requests copied to the canary${percent ? ' (50%)' : ' (every request: no percent in v1.0.0)'} during the analysis, then switched`, async () => {
    await release(world, 'backend', { analysis: quickAnalysis({ stepWeight: undefined, maxWeight: undefined, iterations: 2, mirror: true, mirrorWeight: 50 }) });
    expect(routes.layouts('backend')).toEqual([
      '[/ → backend-primary:100 backend-canary:0]',
      `[/ → backend-primary:100 backend-canary:0 mirror→backend-canary${percent}]`,
      '[/ → backend-primary:0 backend-canary:100]',
      '[/ → backend-primary:100 backend-canary:0]',
    ]);
    expect(await world.events('backend')).toEqual(expect.arrayContaining([expect.stringMatching(percent ? /^Mirroring: Mirroring 50% of requests/ : /^Mirroring: Mirroring every request \(mirrorWeight 50 needs an HTTPRoute CRD with mirror percent/)]));
  });
});

describe('provider gatewayapi on Gateway API v1.6.1', () => {
  let world: EngineHarness;
  let routes: RouteHistory;
  const set = CRD_SETS[2];

  beforeAll(async () => {
    ({ world, routes } = await started(set));
  });
  afterAll(async () => {
    await routes?.stop();
    await world?.stop();
  });

  const patchRoute = (name: string, body: object) =>
    world.custom.patchNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: NAMESPACE, plural: 'httproutes', name, body }, mergePatchOptions());

  test('session affinity: the sticky cookie of the run survives a controller restart, and expires after the run', async () => {
    const analysis = quickAnalysis({ sessionAffinity: { cookieName: 'canary', maxAge: 600 } });
    await world.ship('shop', { provider: 'gatewayapi', analysis }, () => world.traffic.set('shop', { ...HEALTHY }));
    const before = await world.advanceUntil('shop', (s) => s.canaryWeight === 20, 'weight 20');
    const cookie = before.sessionAffinityCookie!;
    expect(cookie).toMatch(/^canary=[a-z0-9]+-[0-9a-z]+$/);

    await world.stopController();
    await world.startController();
    const after = await world.runUntilPhase('shop', 'Succeeded');
    const layouts = routes.layouts('shop');
    expect(layouts).toEqual([
      '[/ → shop-primary:100 shop-canary:0]',
      '[cookie → shop-canary:100] | [/ → shop-primary:80 shop-canary:20+cookie]',
      '[cookie → shop-canary:100] | [/ → shop-primary:60 shop-canary:40+cookie]',
      '[cookie → shop-canary:100] | [/ → shop-primary:40 shop-canary:60+cookie]',
      '[cookie → shop-primary:100] | [/ → shop-primary:100 shop-canary:0]',
    ]);
    // One cookie for the whole run, before and after the restart.
    const cookieRules = routes.of('shop').slice(1, 4).map((r) => r.spec.rules?.[0].matches?.[0].headers?.[0].value);
    expect(new Set(cookieRules)).toEqual(new Set([`^(.*;\\s*)?${cookie}(;.*)?$`]));
    expect(after.previousSessionAffinityCookie).toBe(cookie);
    expect(routes.of('shop').at(-1)!.spec.rules?.[0].filters).toEqual([{ type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'Set-Cookie', value: `${cookie}; Max-Age=-1` }] } }]);
  });

  test("a route its Gateway does not accept holds the run with the Gateway's reason, and the run goes on once it does", async () => {
    await world.custom.createClusterCustomObject({ group: GROUP, version: 'v1', plural: 'gatewayclasses', body: { apiVersion: `${GROUP}/v1`, kind: 'GatewayClass', metadata: { name: SANDBOX_GATEWAY_CLASS }, spec: { controllerName: SANDBOX_CONTROLLER } } });
    await world.custom.createNamespacedCustomObject({
      group: GROUP, version: 'v1', namespace: NAMESPACE, plural: 'gateways',
      body: { apiVersion: `${GROUP}/v1`, kind: 'Gateway', metadata: { name: 'public' }, spec: { gatewayClassName: SANDBOX_GATEWAY_CLASS, listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }] } },
    });
    await world.ship('store', { provider: 'gatewayapi', service: { port: 9898, hosts: ['store.example.com'], gatewayRefs: [{ name: 'public', sectionName: 'https' }] }, analysis: quickAnalysis() }, () => world.traffic.set('store', { ...HEALTHY }));
    const held = await world.advanceUntil('store', (s) => s.conditions?.some((c) => c.type === 'Ready' && c.reason === 'RouteNotAccepted') ?? false, 'RouteNotAccepted');
    expect(held.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      message: expect.stringMatching(/^Gateway test\/public \(listener https\) did not accept HTTPRoute test\/store: NoMatchingParent: Gateway test\/public has no listener https: the run of store\.test holds at canary weight 0/),
    });
    await world.passIntervals('store', 3);
    expect((await world.status('store')).canaryWeight).toBe(0);
    expect((await world.events('store')).filter((e) => e.startsWith('RouteNotAccepted: '))).toHaveLength(1);

    // The platform team adds the listener: the route is accepted and the run goes on.
    await world.custom.patchNamespacedCustomObject(
      { group: GROUP, version: 'v1', namespace: NAMESPACE, plural: 'gateways', name: 'public', body: { spec: { listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }, { name: 'https', protocol: 'HTTP', port: 8443 }] } } },
      mergePatchOptions(),
    );
    await world.runUntilPhase('store', 'Succeeded');
    expect(routes.layouts('store').map((l) => l.replace(/store-/g, ''))).toEqual([0, 20, 40, 60, 0].map((w) => `[/ → primary:${100 - w} canary:${w}]`));
    expect(routes.of('store').at(-1)!.spec.hostnames).toEqual(['store.example.com']);
  });

  test("a person's edit to the weights is put back at the next tick and reported once", async () => {
    const approve = 'http://127.0.0.1:9/never';
    await world.ship('cart', { provider: 'gatewayapi', analysis: quickAnalysis({ webhooks: [{ name: 'approval', type: 'confirm-promotion', url: approve, timeout: '1s' }] }) }, () => world.traffic.set('cart', { ...HEALTHY }));
    await world.runUntilPhase('cart', 'WaitingPromotion');
    const route = routes.of('cart').at(-1)!;
    const rule = route.spec.rules![0];
    await patchRoute('cart', { spec: { rules: [{ ...rule, backendRefs: rule.backendRefs!.map((b) => ({ ...b, weight: b.name === 'cart-canary' ? 100 : 0 })) }] } });
    await eventually('the edit stored', () => routes.layouts('cart').at(-1) === '[/ → cart-primary:0 cart-canary:100]');
    await world.passIntervals('cart', 1);
    await eventually('the weights put back', () => routes.layouts('cart').at(-1) === '[/ → cart-primary:40 cart-canary:60]');
    await world.passIntervals('cart', 2);
    const reverts = (await world.events('cart')).filter((e) => e.startsWith('WeightsReverted: '));
    expect(reverts).toEqual(['WeightsReverted: The route of cart.test was changed outside Kanari to canary 100% / primary 0%; put back to canary 60% (change the Canary, not its route)']);
  });
});

test('an idle SMI Canary moved to provider gatewayapi gets its HTTPRoute at the next tick, all traffic on the primary', async () => {
  const world = await EngineHarness.start({ gatewayApi: { release: 'v1.6.1' } });
  try {
    await world.createDeployment('podinfo', 'podinfo:1');
    await world.createCanary('podinfo', { analysis: quickAnalysis() });
    await world.startController();
    await world.waitForPhase('podinfo', 'Initialized');
    expect((await world.readSplit('podinfo')).spec.backends.map((b) => `${b.service}:${b.weight}`)).toEqual(['podinfo-canary:0', 'podinfo-primary:100']);
    await world.custom.patchNamespacedCustomObject(
      { group: 'kanari.dev', version: 'v1alpha1', namespace: NAMESPACE, plural: 'canaries', name: 'podinfo', body: { spec: { provider: 'gatewayapi' } } },
      mergePatchOptions(),
    );
    const route = await eventually('the HTTPRoute', () =>
      world.custom.getNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: NAMESPACE, plural: 'httproutes', name: 'podinfo' }).then((r) => r as HttpRoute, () => undefined));
    expect(route.spec.rules?.map((r) => r.backendRefs?.map((b) => `${b.name}:${b.weight}`))).toEqual([['podinfo-primary:100', 'podinfo-canary:0']]);
    world.traffic.set('podinfo', { ...HEALTHY });
    await world.setImage('podinfo', 'podinfo:2');
    await world.runUntilPhase('podinfo', 'Succeeded');
  } finally {
    await world.stop();
  }
});

test('a Canary waiting for the HTTPRoute CRD says what to install, and initializes as soon as the Gateway API is installed', async () => {
  const world = await EngineHarness.start();
  try {
    await world.createDeployment('podinfo', 'podinfo:1');
    await world.createCanary('podinfo', { provider: 'gatewayapi', analysis: quickAnalysis() });
    await world.startController();
    const waiting = await world.waitForStatus('podinfo', (s) => s.conditions?.some((c) => c.type === 'Ready' && c.status === 'False') ?? false, 'Ready=False');
    expect(waiting.conditions?.find((c) => c.type === 'Ready')?.message).toMatch(/^HTTPRoute API not served: install the Gateway API CRDs/);
    const installedAt = world.clock.now();
    await world.sandbox.installCrds(...(gatewayApiCrds('v1.6.1') as never[]));
    await world.waitForPhase('podinfo', 'Initialized');
    // The CRD watch woke the Canary at once: not an interval passed.
    expect(world.clock.now()).toBe(installedAt);
  } finally {
    await world.stop();
  }
});

test('a Canary pinning HTTPRoute v1 on a cluster serving only v1beta1 says what to change, and initializes as soon as the CRD is upgraded', async () => {
  const world = await EngineHarness.start({ gatewayApi: { release: 'v1.6.1', served: ['v1beta1'] } });
  try {
    await world.createDeployment('podinfo', 'podinfo:1');
    await world.createCanary('podinfo', { provider: 'gatewayapi:v1', analysis: quickAnalysis() });
    await world.startController();
    const waiting = await world.waitForStatus('podinfo', (s) => s.conditions?.some((c) => c.type === 'Ready' && c.status === 'False') ?? false, 'Ready=False');
    expect(waiting.conditions?.find((c) => c.type === 'Ready')?.message).toBe('spec.provider pins HTTPRoute v1, but the cluster serves v1beta1: change spec.provider to gatewayapi or to a served version');
    await world.passIntervals('podinfo', 2);
    expect((await world.status('podinfo')).phase).toBeUndefined();

    // The platform team upgrades the CRD to serve v1 as well, as the upstream v1.6.1 install does.
    const upgraded = gatewayApiCrds('v1.6.1').find((crd) => crd.metadata.name === 'httproutes.gateway.networking.k8s.io')!;
    const extensions = world.sandbox.kubeConfig.makeApiClient(ApiextensionsV1Api);
    const installed = await extensions.readCustomResourceDefinition({ name: upgraded.metadata.name });
    const upgradedAt = world.clock.now();
    await extensions.replaceCustomResourceDefinition({ name: upgraded.metadata.name, body: { ...(upgraded as never as V1CustomResourceDefinition), metadata: { name: upgraded.metadata.name, resourceVersion: installed.metadata?.resourceVersion } } });
    await world.waitForPhase('podinfo', 'Initialized');
    // The CRD watch re-detected the served versions and woke the Canary at once: not an interval passed.
    expect(world.clock.now()).toBe(upgradedAt);
    const route = (await world.custom.getNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: NAMESPACE, plural: 'httproutes', name: 'podinfo' })) as HttpRoute;
    expect(route.spec.rules?.map((r) => r.backendRefs?.map((b) => `${b.name}:${b.weight}`))).toEqual([['podinfo-primary:100', 'podinfo-canary:0']]);
  } finally {
    await world.stop();
  }
});
