import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { GATEWAY_API_VERSIONS, gatewayApiCrdFiles, type GatewayApiVersion } from '../../../src/sandbox/gateway-api-crds.ts';
import { apiFailure, startSandbox, type Sandbox } from '../../helpers/sandbox.ts';

// The upstream Gateway API CRDs (third_party/gateway-api, unmodified), each release installed alone into
// the sandbox API server: the HTTPRoutes a canary router writes are accepted, and the routes a real API
// server refuses, for the OpenAPI schema or for one of the CRDs' CEL rules, are refused with the
// upstream message in kube-apiserver's 422 format.

type Route = { apiVersion: string; kind: string; metadata: { name: string; resourceVersion?: string }; spec: Spec };
type Spec = Record<string, unknown> & { rules?: Record<string, unknown>[] };

const route = (name: string, spec: Spec): Route => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name }, spec });
const service = (name: string, weight?: number) => ({ group: '', kind: 'Service', name, port: 9898, ...(weight === undefined ? {} : { weight }) });
const weighted = (canary: number) => [service('podinfo-primary', 100 - canary), service('podinfo-canary', canary)];
// East-west (GAMMA): the route's parent is the apex Service itself.
const meshParent = [{ group: '', kind: 'Service', name: 'podinfo', port: 9898 }];
// North-south: a Gateway's listener.
const gatewayParent = [{ name: 'public', namespace: 'gateway-system', sectionName: 'https' }];
const setCookie = { type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'Set-Cookie', value: 'flagger-cookie=abc; Max-Age=86400' }] } };

describe.each(GATEWAY_API_VERSIONS.map((v) => [v]))('Gateway API %s CRDs in the sandbox API server', (version: GatewayApiVersion) => {
  let sandbox: Sandbox;
  let custom: CustomObjectsApi;
  const ns = 'routes';
  const at = { group: 'gateway.networking.k8s.io', version: 'v1', namespace: ns, plural: 'httproutes' };
  const create = (r: Route) => custom.createNamespacedCustomObject({ ...at, body: r }) as Promise<Route>;
  const rejection = async (r: Route) => {
    const status = await apiFailure(create(r));
    expect(status.code).toBe(422);
    return status;
  };
  // v1.0.0's standard channel lacks what later releases promoted: mirror percent, timeouts, parentRef port.
  const later = version !== 'v1.0.0';

  beforeAll(async () => {
    sandbox = await startSandbox({ namespaces: [ns] });
    // installCrds fails on any CRD the server refuses, and the server refuses a CRD one of whose rules
    // does not compile: every rule of every shipped CRD compiles.
    await sandbox.installCrds(...gatewayApiCrdFiles(version));
    custom = sandbox.kubeConfig.makeApiClient(CustomObjectsApi);
  });
  afterAll(() => sandbox.stop());

  test(`a mesh (GAMMA) route with a weighted primary/canary pair is accepted${later ? ' as written' : '; the parent\'s port is not in the v1.0.0 standard schema, so pruned'}`, async () => {
    const created = await create(route('mesh', { parentRefs: meshParent, rules: [{ backendRefs: weighted(10) }] }));
    expect(created.spec.parentRefs).toEqual(later ? meshParent : [{ group: '', kind: 'Service', name: 'podinfo' }]);
    expect(created.spec.rules?.[0].backendRefs).toEqual(weighted(10));
  });

  test('a Gateway route with sectionName, A/B header and query matches, session affinity and a rewrite is accepted', async () => {
    const spec: Spec = {
      parentRefs: gatewayParent,
      hostnames: ['app.example.com'],
      rules: [
        {
          matches: [
            { headers: [{ type: 'Exact', name: 'x-canary', value: 'insider' }] },
            { headers: [{ type: 'RegularExpression', name: 'Cookie', value: '^(.*?;)?(canary=always)(;.*)?$' }] },
            { queryParams: [{ type: 'Exact', name: 'canary', value: 'true' }] },
          ],
          backendRefs: [service('podinfo-canary')],
        },
        { matches: [{ headers: [{ name: 'Cookie', type: 'RegularExpression', value: '.*flagger-cookie.*abc.*' }] }], backendRefs: [service('podinfo-canary')] },
        {
          matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
          filters: [
            { type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } },
            { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-route', value: 'api' }] } },
          ],
          backendRefs: [service('podinfo-primary', 80), { ...service('podinfo-canary', 20), filters: [setCookie] }],
        },
      ],
    };
    const created = await create(route('north-south', spec));
    expect(created.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', ...gatewayParent[0] }]);
    expect(created.spec.rules?.map((r) => (r.backendRefs as { name: string }[]).map((b) => b.name))).toEqual([['podinfo-canary'], ['podinfo-canary'], ['podinfo-primary', 'podinfo-canary']]);
    expect((created.spec.rules?.[2].backendRefs as { filters?: unknown[] }[])[1].filters).toEqual([setCookie]);
  });

  test(`a mirror filter is accepted; its percent is ${later ? 'kept' : 'not in the v1.0.0 schema, so pruned'}`, async () => {
    const mirror = { type: 'RequestMirror', requestMirror: { backendRef: { name: 'podinfo-canary', port: 9898 }, percent: 20 } };
    const created = await create(route('mirror', { parentRefs: meshParent, rules: [{ filters: [mirror], backendRefs: [service('podinfo-primary', 100)] }] }));
    const stored = (created.spec.rules?.[0].filters as { requestMirror: Record<string, unknown> }[])[0].requestMirror;
    expect(stored.percent).toBe(later ? 20 : undefined);
  });

  test(`request timeouts are ${later ? 'accepted' : 'not in the v1.0.0 standard schema, so pruned'}`, async () => {
    const created = await create(route('timeouts', { parentRefs: meshParent, rules: [{ backendRefs: weighted(0), timeouts: { request: '30s' } }] }));
    expect(created.spec.rules?.[0].timeouts).toEqual(later ? { request: '30s' } : undefined);
  });

  test('a path match that is not an absolute path, or holds //, is refused with the upstream message', async () => {
    const relative = await rejection(route('relative', { rules: [{ matches: [{ path: { type: 'PathPrefix', value: 'api' } }], backendRefs: weighted(10) }] }));
    expect(relative.message).toBe(`HTTPRoute.gateway.networking.k8s.io "relative" is invalid: spec.rules[0].matches[0].path: Invalid value: "object": value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']`);
    expect(relative.details?.causes).toEqual([{ reason: 'FieldValueInvalid', field: 'spec.rules[0].matches[0].path', message: `Invalid value: "object": value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']` }]);
    const doubled = await rejection(route('doubled', { rules: [{ matches: [{ path: { type: 'Exact', value: '/a//b' } }], backendRefs: weighted(10) }] }));
    expect(doubled.details?.causes?.map((c) => c.message)).toEqual([`Invalid value: "object": must not contain '//' when type one of ['Exact', 'PathPrefix']`]);
  });

  test('more rules than the cap of 16 are refused, and the CEL rules are then skipped as the real server skips them', async () => {
    const status = await rejection(route('crowded', { rules: Array.from({ length: 17 }, () => ({ backendRefs: weighted(10) })) }));
    expect(status.details?.causes).toEqual([
      { reason: 'FieldValueTooMany', field: 'spec.rules', message: 'Too many: 17: must have at most 16 items' },
      { reason: 'FieldValueInvalid', field: '<nil>', message: 'Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation' },
    ]);
  });

  test('a backendRef weight above 1,000,000 is refused', async () => {
    const status = await rejection(route('heavy', { rules: [{ backendRefs: [service('podinfo-primary', 1_000_001)] }] }));
    expect(status.details?.causes).toEqual([{ reason: 'FieldValueInvalid', field: 'spec.rules[0].backendRefs[0].weight', message: 'Invalid value: 1000001: spec.rules[0].backendRefs[0].weight in body should be less than or equal to 1000000' }]);
  });

  test('a redirect beside a rewrite, or a redirect beside backendRefs, is refused', async () => {
    const both = await rejection(route('both', { rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }, { type: 'URLRewrite', urlRewrite: { hostname: 'internal' } }] }] }));
    expect(both.message).toBe('HTTPRoute.gateway.networking.k8s.io "both" is invalid: spec.rules[0].filters: Invalid value: "array": May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both');
    const redirect = await rejection(route('redirect', { rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }], backendRefs: weighted(10) }] }));
    expect(redirect.details?.causes).toEqual([{ reason: 'FieldValueInvalid', field: 'spec.rules[0]', message: 'Invalid value: "object": RequestRedirect filter must not be used together with backendRefs' }]);
  });

  test('a filter type repeated where the rules forbid it is refused, on the backendRef that repeats it', async () => {
    const canary = { ...service('podinfo-canary', 10), filters: [setCookie, setCookie] };
    const status = await rejection(route('twice', { rules: [{ backendRefs: [service('podinfo-primary', 90), canary] }] }));
    expect(status.message).toBe('HTTPRoute.gateway.networking.k8s.io "twice" is invalid: spec.rules[0].backendRefs[1].filters: Invalid value: "array": ResponseHeaderModifier filter cannot be repeated');
  });

  test('a Service backendRef without a port, and a parent named twice with and without sectionName, are refused', async () => {
    const portless = await rejection(route('portless', { rules: [{ backendRefs: [{ name: 'podinfo-primary' }] }] }));
    expect(portless.details?.causes?.map((c) => `${c.field}: ${c.message}`)).toEqual(['spec.rules[0].backendRefs[0]: Invalid value: "object": Must have port for Service reference']);
    // The rule reads parentRefs' `namespace` as `__namespace__`: Kubernetes escapes CEL keywords.
    const parents = await rejection(route('parents', { parentRefs: [{ name: 'public' }, { name: 'public', sectionName: 'https' }] }));
    expect(parents.details?.causes?.map((c) => `${c.field}: ${c.message}`)).toEqual(['spec.parentRefs: Invalid value: "array": sectionName must be specified when parentRefs includes 2 or more references to the same parent']);
  });

  if (version === 'v1.6.1') {
    test('a RequestMirror with both percent and fraction is refused', async () => {
      const mirror = { type: 'RequestMirror', requestMirror: { backendRef: { name: 'podinfo-canary', port: 9898 }, percent: 10, fraction: { numerator: 1, denominator: 10 } } };
      const status = await rejection(route('mirror-both', { parentRefs: meshParent, rules: [{ filters: [mirror], backendRefs: weighted(0) }] }));
      expect(status.message).toBe('HTTPRoute.gateway.networking.k8s.io "mirror-both" is invalid: spec.rules[0].filters[0].requestMirror: Invalid value: "object": Only one of percent or fraction may be specified in HTTPRequestMirrorFilter');
    });

    test('129 matches across sixteen rules break the cap on matches in a route (the rule allows 128)', async () => {
      const matches = (n: number) => Array.from({ length: n }, (_, i) => ({ path: { type: 'PathPrefix', value: `/p${i}` } }));
      const rules = (last: number) => Array.from({ length: 16 }, (_, i) => ({ matches: matches(i === 15 ? last : 8), backendRefs: weighted(10) }));
      await create(route('matches-128', { rules: rules(8) }));
      const status = await rejection(route('matches-129', { rules: rules(9) }));
      expect(status.details?.causes?.map((c) => `${c.field}: ${c.message}`)).toEqual([
        'spec.rules: Invalid value: "array": While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128',
      ]);
    });

    test('a backend timeout longer than the request timeout is refused', async () => {
      const status = await rejection(route('slow', { rules: [{ backendRefs: weighted(10), timeouts: { request: '10s', backendRequest: '1m' } }] }));
      expect(status.details?.causes?.map((c) => `${c.field}: ${c.message}`)).toEqual(['spec.rules[0].timeouts: Invalid value: "object": backendRequest timeout cannot be longer than request timeout']);
    });
  }

  test('updates, merge patches and server-side apply are held to the same rules', async () => {
    const created = await create(route('evolving', { parentRefs: meshParent, rules: [{ backendRefs: weighted(10) }] }));
    const message = 'HTTPRoute.gateway.networking.k8s.io "evolving" is invalid: spec.rules[0].filters: Invalid value: "array": May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both';
    const badFilters = [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }, { type: 'URLRewrite', urlRewrite: { hostname: 'internal' } }];
    const replaced: Route = { ...created, spec: { ...created.spec, rules: [{ filters: badFilters }] } };
    expect((await apiFailure(custom.replaceNamespacedCustomObject({ ...at, name: 'evolving', body: replaced }))).message).toBe(message);
    const merge = custom.patchNamespacedCustomObject({ ...at, name: 'evolving', body: { spec: { rules: [{ filters: badFilters }] } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    expect((await apiFailure(merge)).message).toBe(message);
    const applied = custom.patchNamespacedCustomObject(
      { ...at, name: 'evolving', fieldManager: 'kanari', force: true, body: route('evolving', { parentRefs: meshParent, rules: [{ filters: badFilters }] }) },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    );
    expect((await apiFailure(applied)).message).toBe(message);
    // A good change still goes through, and the route kept its weights while the bad ones were refused.
    const moved = (await custom.patchNamespacedCustomObject({ ...at, name: 'evolving', body: { spec: { rules: [{ backendRefs: weighted(30) }] } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch))) as Route;
    expect(moved.spec.rules?.[0].backendRefs).toEqual(weighted(30));
  });
});
