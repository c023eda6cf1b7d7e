import { createPodinfoBackends } from '../../helpers/podinfo-backends.ts';
import { request as httpRequest } from 'node:http';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { startApiServer, type SandboxApiServer } from '../../../src/sandbox/apiserver/index.ts';
import { SANDBOX_CONTROLLER, SANDBOX_GATEWAY_CLASS } from '../../../src/sandbox/dataplane/http-route-status.ts';
import { startSmiDataPlane, type ApexProxy, type SmiDataPlane } from '../../../src/sandbox/dataplane/smi-data-plane.ts';
import { gatewayApiCrds } from '../../../src/sandbox/gateway-api-crds.ts';
import { startSimulatedKubelet, type SimulatedKubelet } from '../../../src/sandbox/kubelet/simulated-kubelet.ts';
import { startLoad } from '../../../src/sandbox/loadgen/load-generator.ts';
import { mergePatchOptions } from '../../../src/kube/patch.ts';
import { installCrds } from '../../../src/playground/raw-crd-install.ts';
import { eventually } from '../../helpers/eventually.ts';

// Real HTTP through the sandbox data plane routing by Gateway API HTTPRoutes (v1.6.1 CRDs, no SMI): the
// shares follow the weights, matches pick their backend, filters edit requests and answers, a mirror
// copies requests, and the data plane answers in the routes' status as an implementation does.

const NS = 'default';
const GROUP = 'gateway.networking.k8s.io';

describe('the sandbox data plane routing by HTTPRoutes', () => {
  let server: SandboxApiServer;
  let kubelet: SimulatedKubelet;
  let dataPlane: SmiDataPlane;
  let apex: ApexProxy;
  let custom: CustomObjectsApi;

  const svc = (name: string, weight: number) => ({ group: '', kind: 'Service', name, port: 80, weight });
  const meshParent = [{ group: '', kind: 'Service', name: 'podinfo', port: 80 }];
  type Rule = Record<string, unknown>;
  const putRoute = async (name: string, spec: { parentRefs: unknown[]; rules: Rule[]; hostnames?: string[] }) => {
    await custom.deleteNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: NS, plural: 'httproutes', name }).catch(() => undefined);
    await custom.createNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: NS, plural: 'httproutes', body: { apiVersion: `${GROUP}/v1`, kind: 'HTTPRoute', metadata: { name }, spec } });
  };
  const readRoute = async (name: string) =>
    (await custom.getNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: NS, plural: 'httproutes', name })) as { metadata: { generation: number }; status?: { parents?: { controllerName: string; conditions: { type: string; status: string; reason: string; observedGeneration: number }[] }[] } };
  const versionsOf = async (url: string, count: number, headers: Record<string, string> = {}, path = '/') => {
    const summary = await startLoad({ url, rps: 1000, maxRequests: count, seed: `gateway-${count}`, headers, paths: [path] }).done;
    expect(summary.completed).toBe(count);
    return Object.fromEntries(Object.entries(summary.byVersion).map(([v, c]) => [v, c.requests]));
  };
  // fetch() may not set Host; a gateway routes by it.
  const viaHost = (url: string, host: string) =>
    new Promise<{ status: number; version?: string }>((resolve, reject) => {
      const req = httpRequest(url, { headers: { host } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, version: res.headers['x-kanari-version'] as string | undefined }));
      });
      req.on('error', reject);
      req.end();
    });
  const weighted = (primary: number, canary: number): Rule => ({ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [svc('podinfo-primary', primary), svc('podinfo-canary', canary)] });

  beforeAll(async () => {
    server = await startApiServer();
    const kc = server.kubeConfig;
    await installCrds({ url: server.url, token: server.token, caData: kc.getCurrentCluster()?.caData }, gatewayApiCrds('v1.6.1') as never);
    custom = kc.makeApiClient(CustomObjectsApi);
    await createPodinfoBackends(kc, NS);
    kubelet = await startSimulatedKubelet({ kubeConfig: kc, startupDelayMs: 20, seed: 2 });
    dataPlane = await startSmiDataPlane({ kubeConfig: kc, endpoints: kubelet.endpoints, seed: 3, gatewayApi: true, smi: false });
    apex = await dataPlane.addApex(NS, 'podinfo');
    await dataPlane.synced();
    await eventually('both versions ready', () => kubelet.endpoints(NS, 'podinfo-primary').length === 2 && kubelet.endpoints(NS, 'podinfo-canary').length === 2);
  }, 30_000);

  afterAll(async () => {
    await dataPlane?.stop();
    await kubelet?.stop();
    await server?.stop();
  });

  it('sends everything to the apex Service while no route is attached to it', async () => {
    expect(await versionsOf(apex.url, 20)).toEqual({ v1: 20 });
  });

  it('splits requests by the route weights: 1,000 requests at 80/20 land within three standard deviations', async () => {
    await putRoute('podinfo', { parentRefs: meshParent, rules: [weighted(0, 100)] });
    await eventually('the route seen', async () => (await versionsOf(apex.url, 1)).v2 === 1);
    await putRoute('podinfo', { parentRefs: meshParent, rules: [weighted(800_000, 200_000)] });
    await eventually('80/20 seen', async () => (await versionsOf(apex.url, 5)).v1 !== undefined);
    const shares = await versionsOf(apex.url, 1000);
    const sigma = Math.sqrt(1000 * 0.2 * 0.8);
    expect(Math.abs((shares.v2 ?? 0) - 200)).toBeLessThan(3 * sigma);
    expect((shares.v1 ?? 0) + (shares.v2 ?? 0)).toBe(1000);
  });

  it('answers in the route status: accepted by the mesh, backends resolved, at the route generation', async () => {
    await putRoute('podinfo', { parentRefs: meshParent, rules: [weighted(90, 10)] });
    await eventually('the status', async () => {
      const route = await readRoute('podinfo');
      const ours = route.status?.parents?.find((p) => p.controllerName === SANDBOX_CONTROLLER);
      return ours?.conditions.every((c) => c.status === 'True' && c.observedGeneration === route.metadata.generation) ?? false;
    });
    await putRoute('ghost', { parentRefs: meshParent, rules: [{ backendRefs: [svc('nowhere', 1)] }] });
    await eventually('BackendNotFound', async () => {
      const conditions = (await readRoute('ghost')).status?.parents?.[0]?.conditions ?? [];
      return conditions.some((c) => c.type === 'ResolvedRefs' && c.status === 'False' && c.reason === 'BackendNotFound');
    });
    await custom.deleteNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: NS, plural: 'httproutes', name: 'ghost' });
  });

  it('A/B: header, query parameter and cookie matches go to the canary, everyone else to the primary', async () => {
    const toCanary = [svc('podinfo-primary', 0), svc('podinfo-canary', 100)];
    await putRoute('podinfo', {
      parentRefs: meshParent,
      rules: [
        {
          matches: [
            { path: { type: 'PathPrefix', value: '/' }, headers: [{ type: 'Exact', name: 'x-canary', value: 'insider' }] },
            { path: { type: 'PathPrefix', value: '/' }, queryParams: [{ type: 'Exact', name: 'canary', value: 'true' }] },
            { path: { type: 'PathPrefix', value: '/' }, headers: [{ type: 'RegularExpression', name: 'Cookie', value: '^(.*;\\s*)?canary=always(;.*)?$' }] },
          ],
          backendRefs: toCanary,
        },
        { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [svc('podinfo-primary', 100)] },
      ],
    });
    await eventually('A/B seen', async () => (await versionsOf(apex.url, 1, { 'x-canary': 'insider' })).v2 === 1);
    expect(await versionsOf(apex.url, 30, { 'x-canary': 'insider' })).toEqual({ v2: 30 });
    expect(await versionsOf(apex.url, 30, {}, '/?canary=true')).toEqual({ v2: 30 });
    expect(await versionsOf(apex.url, 30, { cookie: 'theme=dark; canary=always' })).toEqual({ v2: 30 });
    expect(await versionsOf(apex.url, 30, { cookie: 'canary=never' })).toEqual({ v1: 30 });
    expect(await versionsOf(apex.url, 30, { 'x-canary': 'outsider' }, '/?canary=false')).toEqual({ v1: 30 });
  });

  it("applies the rule's and the backend's header filters: a Set-Cookie from the canary keeps its holder there", async () => {
    const setCookie = { type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'Set-Cookie', value: 'sticky=abc; Max-Age=60' }] } };
    await putRoute('podinfo', {
      parentRefs: meshParent,
      rules: [
        { matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [{ type: 'RegularExpression', name: 'Cookie', value: '^(.*;\\s*)?sticky=abc(;.*)?$' }] }], backendRefs: [svc('podinfo-canary', 100)] },
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'x-route', value: 'podinfo' }] } }],
          backendRefs: [svc('podinfo-primary', 50), { ...svc('podinfo-canary', 50), filters: [setCookie] }],
        },
      ],
    });
    let cookie: string | undefined;
    await eventually('a canary answer with its cookie', async () => {
      const answer = await fetch(apex.url);
      await answer.text();
      cookie = answer.headers.get('set-cookie') ?? undefined;
      return answer.headers.get('x-route') === 'podinfo' && cookie !== undefined;
    });
    expect(cookie).toBe('sticky=abc; Max-Age=60');
    expect(await versionsOf(apex.url, 40, { cookie: 'sticky=abc' })).toEqual({ v2: 40 });
  });

  it('mirrors requests to the canary: users are answered by the primary, the canary serves the copies', async () => {
    await putRoute('podinfo', {
      parentRefs: meshParent,
      rules: [{ ...weighted(100, 0), filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'podinfo-canary', port: 80 }, percent: 100 } }] }],
    });
    await eventually('the mirror route seen', async () => {
      const before = dataPlane.store.totals({ kind: 'Deployment', namespace: NS, name: 'podinfo-canary' })?.success ?? 0;
      await versionsOf(apex.url, 1);
      const after = dataPlane.store.totals({ kind: 'Deployment', namespace: NS, name: 'podinfo-canary' })?.success ?? 0;
      return after > before;
    });
    const before = dataPlane.store.totals({ kind: 'Deployment', namespace: NS, name: 'podinfo-canary' })?.success ?? 0;
    expect(await versionsOf(apex.url, 50)).toEqual({ v1: 50 });
    await eventually('the copies answered', () => (dataPlane.store.totals({ kind: 'Deployment', namespace: NS, name: 'podinfo-canary' })?.success ?? 0) - before === 50);
  });

  it("a Gateway of the sandbox's class routes by hostname; a listener it does not name refuses it", async () => {
    await custom.createClusterCustomObject({ group: GROUP, version: 'v1', plural: 'gatewayclasses', body: { apiVersion: `${GROUP}/v1`, kind: 'GatewayClass', metadata: { name: SANDBOX_GATEWAY_CLASS }, spec: { controllerName: SANDBOX_CONTROLLER } } });
    await custom.createNamespacedCustomObject({
      group: GROUP, version: 'v1', namespace: NS, plural: 'gateways',
      body: { apiVersion: `${GROUP}/v1`, kind: 'Gateway', metadata: { name: 'public' }, spec: { gatewayClassName: SANDBOX_GATEWAY_CLASS, listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }] } },
    });
    const gateway = await dataPlane.addGateway(NS, 'public');
    await putRoute('podinfo-public', { parentRefs: [{ name: 'public', sectionName: 'http' }], hostnames: ['app.example.com'], rules: [weighted(0, 100)] });
    await eventually('the gateway route seen', async () => (await viaHost(gateway.url, 'app.example.com')).status === 200);
    expect((await viaHost(gateway.url, 'app.example.com')).version).toBe('v2');
    expect((await viaHost(gateway.url, 'other.example.com')).status).toBe(404);
    await eventually('accepted by the Gateway', async () => (await readRoute('podinfo-public')).status?.parents?.[0]?.conditions?.some((c) => c.type === 'Accepted' && c.status === 'True') ?? false);

    await custom.patchNamespacedCustomObject({ group: GROUP, version: 'v1', namespace: NS, plural: 'httproutes', name: 'podinfo-public', body: { spec: { parentRefs: [{ name: 'public', sectionName: 'https' }] } } }, mergePatchOptions());
    await eventually('refused: no such listener', async () => {
      const route = await readRoute('podinfo-public');
      const accepted = route.status?.parents?.[0]?.conditions?.find((c) => c.type === 'Accepted');
      return accepted?.status === 'False' && accepted.reason === 'NoMatchingParent' && accepted.observedGeneration === route.metadata.generation;
    });
  });
});
