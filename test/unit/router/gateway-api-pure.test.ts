import type { HttpRoute, RouteRule } from '../../../src/router/gateway-api/http-route.ts';
import { routeStatusOf } from '../../../src/router/gateway-api/route-acceptance.ts';
import { httpRouteFeatures } from '../../../src/router/gateway-api/route-features.ts';
import { mergeRules } from '../../../src/router/gateway-api/route-merge.ts';
import { MatchNotExpressible, routeMatchesOf } from '../../../src/router/gateway-api/route-matches.ts';
import { abLayout, routeWeights } from '../../../src/router/gateway-api/route-state.ts';
import { chooseHttpRouteVersion } from '../../../src/router/gateway-api/route-versions.ts';
import { HttpRouteNotServed, HttpRouteVersionNotServed } from '../../../src/router/router-errors.ts';
import { gatewayApiCrds } from '../../../src/sandbox/gateway-api-crds.ts';

const services = { apex: 'app', primary: 'app-primary', canary: 'app-canary', baseline: 'app-baseline', port: 80 };
const svc = (name: string, weight?: number) => ({ group: '', kind: 'Service', name, port: 80, ...(weight === undefined ? {} : { weight }) });
const route = (rules: RouteRule[], extra: Partial<HttpRoute> = {}): HttpRoute => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'app', namespace: 'test', generation: 3 },
  spec: { parentRefs: [{ group: '', kind: 'Service', name: 'app' }], rules },
  ...extra,
});

describe('which HTTPRoute version a Canary is written in', () => {
  test('v1 when served, else v1beta1; a pinned version must be served', () => {
    expect(chooseHttpRouteVersion(['v1', 'v1beta1'])).toBe('v1');
    expect(chooseHttpRouteVersion(['v1beta1', 'v1alpha2'])).toBe('v1beta1');
    expect(chooseHttpRouteVersion(['v1', 'v1beta1'], 'v1beta1')).toBe('v1beta1');
    expect(() => chooseHttpRouteVersion(['v1'], 'v1beta1')).toThrow(HttpRouteVersionNotServed);
    expect(() => chooseHttpRouteVersion(['v1alpha2'])).toThrow(HttpRouteNotServed);
    expect(() => chooseHttpRouteVersion([])).toThrow(/install the Gateway API CRDs/);
  });
});

describe('optional fields of the installed HTTPRoute CRD', () => {
  const httpRoutes = (release: 'v1.0.0' | 'v1.6.1') => gatewayApiCrds(release).find((crd) => crd.metadata.name === 'httproutes.gateway.networking.k8s.io');
  test.each([
    ['v1.0.0', 'v1', { parentRefPort: false, timeouts: false, mirrorPercent: false }],
    ['v1.0.0', 'v1beta1', { parentRefPort: false, timeouts: false, mirrorPercent: false }],
    ['v1.6.1', 'v1', { parentRefPort: true, timeouts: true, mirrorPercent: true }],
    ['v1.6.1', 'v1beta1', { parentRefPort: true, timeouts: true, mirrorPercent: true }],
  ] as const)('Gateway API %s, HTTPRoute %s', (release, version, features) => {
    expect(httpRouteFeatures(httpRoutes(release), version)).toEqual(features);
  });

  test('an unknown CRD or version has only what every release has', () => {
    expect(httpRouteFeatures(undefined, 'v1')).toEqual({ parentRefPort: false, timeouts: false, mirrorPercent: false });
    expect(httpRouteFeatures(httpRoutes('v1.6.1'), 'v2')).toEqual({ parentRefPort: false, timeouts: false, mirrorPercent: false });
  });
});

describe('analysis.match as HTTPRoute matches', () => {
  test('exact and regex pass through; prefix and suffix become anchored expressions; uri and method map to path and method', () => {
    expect(routeMatchesOf([{ headers: { 'x-user': { prefix: 'beta.' } }, queryParams: { ref: { suffix: '-test' } }, uri: { prefix: '/api' }, method: { exact: 'post' } }])).toEqual([
      {
        path: { type: 'PathPrefix', value: '/api' },
        headers: [{ type: 'RegularExpression', name: 'x-user', value: '^beta\\..*' }],
        queryParams: [{ type: 'RegularExpression', name: 'ref', value: '.*-test$' }],
        method: 'POST',
      },
    ]);
    expect(routeMatchesOf([{ uri: { regex: '/v[0-9]+/.*' } }, { uri: { exact: '/health' } }]).map((m) => m.path)).toEqual([
      { type: 'RegularExpression', value: '/v[0-9]+/.*' },
      { type: 'Exact', value: '/health' },
    ]);
  });

  test('a method by regular expression cannot be said and names the field', () => {
    expect(() => routeMatchesOf([{ headers: { a: { exact: 'b' } } }, { method: { regex: 'GET|HEAD' } }])).toThrow(MatchNotExpressible);
    expect(() => routeMatchesOf([{ method: { regex: 'GET|HEAD' } }])).toThrow('spec.analysis.match[0].method: Gateway API matches an exact method only');
  });
});

describe('reading a route', () => {
  test('weights are relative shares of the weighted rule; an unset weight is 1; other writers\' rules do not count', () => {
    expect(routeWeights(route([{ backendRefs: [svc('app-primary', 3), svc('app-canary', 1)] }]), services)).toEqual({ canary: 25, primary: 75 });
    expect(routeWeights(route([{ backendRefs: [svc('app-primary'), svc('app-canary')] }]), services)).toEqual({ canary: 50, primary: 50 });
    expect(routeWeights(route([{ backendRefs: [svc('app-canary', 100)] }, { backendRefs: [svc('app-primary', 90), svc('app-canary', 10)] }]), services)).toEqual({ canary: 10, primary: 90 });
    expect(routeWeights(route([{ backendRefs: [svc('app-primary', 90), svc('other', 10)] }]), services)).toBeUndefined();
    expect(routeWeights(route([{ backendRefs: [svc('app-primary', 0), svc('app-canary', 0)] }]), services)).toBeUndefined();
  });

  test('a baseline backend is read as the third share, and makes the rule no less Kanari\'s', () => {
    expect(routeWeights(route([{ backendRefs: [svc('app-primary', 60), svc('app-canary', 20), svc('app-baseline', 20)] }]), services)).toEqual({ canary: 20, primary: 60, baseline: 20 });
    expect(routeWeights(route([{ backendRefs: [svc('app-primary', 0), svc('app-canary', 60), svc('app-baseline', 40)] }]), services)).toEqual({ canary: 60, primary: 0, baseline: 40 });
    // Without the backend there is no baseline share at all, not a share of 0.
    expect(routeWeights(route([{ backendRefs: [svc('app-primary', 80), svc('app-canary', 20)] }]), services)).toEqual({ canary: 20, primary: 80 });
  });

  test('the A/B layout is a weighted rule beside an all-paths rule to the primary', () => {
    const all = [{ path: { type: 'PathPrefix' as const, value: '/' } }];
    expect(abLayout(route([{ matches: [{ headers: [{ name: 'x', value: 'y' }] }], backendRefs: [svc('app-primary', 0), svc('app-canary', 100)] }, { matches: all, backendRefs: [svc('app-primary', 100)] }]), services)).toBe(true);
    expect(abLayout(route([{ matches: all, backendRefs: [svc('app-primary', 100), svc('app-canary', 0)] }]), services)).toBe(false);
    const cookie = [{ path: { type: 'PathPrefix' as const, value: '/' }, headers: [{ type: 'RegularExpression' as const, name: 'Cookie', value: 'c=1' }] }];
    expect(abLayout(route([{ matches: cookie, backendRefs: [svc('app-primary', 100)] }, { matches: all, backendRefs: [svc('app-primary', 100), svc('app-canary', 0)] }]), services)).toBe(false);
  });
});

describe("laying Kanari's rules over a route", () => {
  const ours = (weight: number): RouteRule => ({ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [svc('app-primary', 100 - weight), svc('app-canary', weight)] });
  const admin: RouteRule = { matches: [{ path: { type: 'PathPrefix', value: '/admin' } }], backendRefs: [svc('admin', 1)] };
  const docs: RouteRule = { matches: [{ path: { type: 'PathPrefix', value: '/docs' } }], backendRefs: [svc('docs', 1)] };

  test('a rule with the baseline backend is Kanari\'s: it is replaced, not kept as another writer\'s', () => {
    const withBaseline: RouteRule = { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [svc('app-primary', 60), svc('app-canary', 20), svc('app-baseline', 20)] };
    expect(mergeRules([admin, withBaseline, docs], [ours(60)], services)).toEqual([admin, ours(60), docs]);
  });

  test('rules of other writers keep their place around Kanari\'s', () => {
    expect(mergeRules([admin, ours(0), docs], [ours(20)], services)).toEqual([admin, ours(20), docs]);
    expect(mergeRules([], [ours(20)], services)).toEqual([ours(20)]);
    // A route Kanari adopts: its rules come first, the others keep their order after them.
    expect(mergeRules([admin, docs], [ours(20)], services)).toEqual([ours(20), admin, docs]);
  });

  test("fields and filters Kanari does not write survive on Kanari's rules and backends", () => {
    const cors = { type: 'CORS', cors: { allowOrigins: ['https://example.com'] } };
    const current: RouteRule = {
      ...ours(0),
      name: 'main',
      retry: { attempts: 2 },
      timeouts: { backendRequest: '5s' },
      filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-old', value: '1' }] } }, cors],
      backendRefs: [{ ...svc('app-primary', 100), filters: [cors] }, svc('app-canary', 0)],
    };
    const [merged] = mergeRules([current], [{ ...ours(30), timeouts: { request: '10s' } }], services);
    expect(merged).toEqual({
      name: 'main',
      retry: { attempts: 2 },
      timeouts: { backendRequest: '5s', request: '10s' },
      matches: ours(30).matches,
      filters: [cors],
      backendRefs: [{ ...svc('app-primary', 70), filters: [cors] }, svc('app-canary', 30)],
    });
  });
});

describe("a route's parents on its status", () => {
  const parent = { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'gateway-system', name: 'public', sectionName: 'https' };
  const withStatus = (conditions: NonNullable<NonNullable<HttpRoute['status']>['parents']>[number]['conditions']) =>
    route([], { status: { parents: [{ parentRef: parent, controllerName: 'example.com/gateway', conditions }] } });

  test('accepted at the current generation: in force', () => {
    expect(routeStatusOf(withStatus([{ type: 'Accepted', status: 'True', observedGeneration: 3 }, { type: 'ResolvedRefs', status: 'True', observedGeneration: 3 }]))).toEqual({ state: 'accepted' });
  });

  test('reported on an older generation: pending', () => {
    expect(routeStatusOf(withStatus([{ type: 'Accepted', status: 'True', observedGeneration: 2 }]))).toEqual({ state: 'pending' });
    expect(routeStatusOf(withStatus([{ type: 'Accepted', status: 'False', reason: 'NotAllowedByListeners', observedGeneration: 2 }]))).toEqual({ state: 'pending' });
  });

  test('refused, with the parent and its reason and message', () => {
    expect(routeStatusOf(withStatus([{ type: 'Accepted', status: 'False', reason: 'NotAllowedByListeners', message: 'namespace test is not allowed', observedGeneration: 3 }]))).toEqual({
      state: 'refused',
      reason: 'NotAllowedByListeners',
      message: 'Gateway gateway-system/public (listener https) did not accept HTTPRoute test/app: NotAllowedByListeners: namespace test is not allowed',
    });
    expect(routeStatusOf(withStatus([{ type: 'Accepted', status: 'True', observedGeneration: 3 }, { type: 'ResolvedRefs', status: 'False', reason: 'BackendNotFound', observedGeneration: 3 }]))).toMatchObject({
      state: 'refused',
      reason: 'BackendNotFound',
      message: expect.stringMatching(/could not resolve the backends of HTTPRoute test\/app: BackendNotFound$/),
    });
  });

  test('nobody reported: refused, asking whether an implementation serves the parents', () => {
    expect(routeStatusOf(route([]))).toEqual({ state: 'refused', reason: 'NoParentStatus', message: 'no parent reported on HTTPRoute test/app: is a Gateway API implementation serving Service test/app?' });
  });
});
