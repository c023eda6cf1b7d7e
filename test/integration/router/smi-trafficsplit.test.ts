import { CustomObjectsApi } from '@kubernetes/client-node';
import { startSandbox, type Sandbox } from '../../helpers/sandbox.ts';
import { smiCrds } from '../../../src/sandbox/smi-crds.ts';
import { createKubeClients } from '../../../src/kube/client.ts';
import { ApiDiscovery } from '../../../src/router/api-discovery.ts';
import { SmiTrafficSplitRouter } from '../../../src/router/smi-trafficsplit.ts';
import { ABTestingNotSupported, TrafficSplitNotServed } from '../../../src/router/router-errors.ts';
import type { Canary, CanarySpec } from '../../../src/api/canary.ts';
import { appCanary, createCanary } from '../workload/fixtures.ts';

interface Cluster {
  sandbox: Sandbox;
  router: SmiTrafficSplitRouter;
  custom: CustomObjectsApi;
  canary(spec?: Partial<CanarySpec>): Promise<Canary>;
}

let counter = 0;

/** A sandbox serving exactly the given SMI versions (undefined split = no SMI CRDs at all). */
async function cluster(versions?: { split: string[]; specs: string[] }): Promise<Cluster> {
  const sandbox = await startSandbox();
  await sandbox.installCrds('crds/kanari.dev_canaries.yaml');
  if (versions) await sandbox.installCrds(...(smiCrds({ ...versions, access: [] }) as never[]));
  const clients = createKubeClients({ kind: 'given', kubeConfig: sandbox.kubeConfig });
  const router = new SmiTrafficSplitRouter({ custom: clients.custom, discovery: new ApiDiscovery(clients.apis) });
  return {
    sandbox,
    router,
    custom: clients.custom,
    async canary(spec = {}) {
      const namespace = `rt-${++counter}`;
      await sandbox.createNamespace(namespace);
      return createCanary(sandbox.kubeConfig, appCanary(namespace, spec));
    },
  };
}

async function readSplit(c: Cluster, canary: Canary, version: string): Promise<{ apiVersion: string; metadata: { ownerReferences?: { uid: string }[] }; spec: { service: string; backends: { service: string; weight: unknown }[]; matches?: unknown[] } }> {
  return (await c.custom.getNamespacedCustomObject({ group: 'split.smi-spec.io', version, namespace: canary.metadata.namespace!, plural: 'trafficsplits', name: 'app' })) as never;
}

describe('SMI TrafficSplit router on a v1alpha1-only cluster (Quantity weights)', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await cluster({ split: ['v1alpha1'], specs: [] });
  });
  afterAll(() => c?.sandbox.stop());

  it('creates the split at 0/100 with Quantity strings and steps the weights', async () => {
    const canary = await c.canary();
    await c.router.ensureRoute(canary);
    let split = await readSplit(c, canary, 'v1alpha1');
    expect(split.apiVersion).toBe('split.smi-spec.io/v1alpha1');
    expect(split.spec.service).toBe('app');
    expect(split.spec.backends).toEqual([
      { service: 'app-canary', weight: '0' },
      { service: 'app-primary', weight: '100' },
    ]);
    expect(split.metadata.ownerReferences?.[0].uid).toBe(canary.metadata.uid);
    await c.router.setWeights(canary, { canary: 30, primary: 70 });
    split = await readSplit(c, canary, 'v1alpha1');
    expect(split.spec.backends.map((b) => b.weight)).toEqual(['30', '70']);
    expect(await c.router.getWeights(canary)).toEqual({ canary: 30, primary: 70 });
    expect(await c.router.observe(canary)).toEqual({ available: true, abTesting: false, weights: { canary: 30, primary: 70 } });
  });

  it('does not reset the weights of an existing split on ensure', async () => {
    const canary = await c.canary();
    await c.router.setWeights(canary, { canary: 40, primary: 60 });
    await c.router.ensureRoute(canary);
    expect(await c.router.getWeights(canary)).toEqual({ canary: 40, primary: 60 });
  });

  it('reads milli-quantities written by another tool', async () => {
    const canary = await c.canary();
    await c.custom.createNamespacedCustomObject({
      group: 'split.smi-spec.io', version: 'v1alpha1', namespace: canary.metadata.namespace!, plural: 'trafficsplits',
      body: { apiVersion: 'split.smi-spec.io/v1alpha1', kind: 'TrafficSplit', metadata: { name: 'app' }, spec: { service: 'app', backends: [{ service: 'app-canary', weight: '250m' }, { service: 'app-primary', weight: '750m' }] } },
    });
    expect(await c.router.getWeights(canary)).toEqual({ canary: 25, primary: 75 });
  });
});

describe('SMI TrafficSplit router on a Linkerd-like cluster (v1alpha1 stored, v1alpha2 served, no conversion)', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await cluster({ split: ['v1alpha1', 'v1alpha2'], specs: [] });
  });
  afterAll(() => c?.sandbox.stop());

  it('writes v1alpha2 integers and reads Quantity strings stored through v1alpha1', async () => {
    const canary = await c.canary();
    await c.custom.createNamespacedCustomObject({
      group: 'split.smi-spec.io', version: 'v1alpha1', namespace: canary.metadata.namespace!, plural: 'trafficsplits',
      body: { apiVersion: 'split.smi-spec.io/v1alpha1', kind: 'TrafficSplit', metadata: { name: 'app' }, spec: { service: 'app', backends: [{ service: 'app-canary', weight: '10' }, { service: 'app-primary', weight: '90' }] } },
    });
    expect(await c.router.getWeights(canary)).toEqual({ canary: 10, primary: 90 });
    await c.router.setWeights(canary, { canary: 20, primary: 80 });
    const split = await readSplit(c, canary, 'v1alpha2');
    expect(split.spec.backends.map((b) => b.weight)).toEqual([20, 80]);
  });

  it('refuses A/B with a clear error: TrafficSplit v1alpha2 has no matches', async () => {
    const canary = await c.canary({ analysis: { interval: '1m', threshold: 5, iterations: 5, match: [{ headers: { 'x-canary': { exact: 'insider' } } }] } });
    expect(await c.router.observe(canary)).toMatchObject({ available: true, abTesting: false });
    await expect(c.router.setRouteMatches(canary, canary.spec.analysis.match!)).rejects.toThrow(ABTestingNotSupported);
    await expect(c.router.setRouteMatches(canary, canary.spec.analysis.match!)).rejects.toThrow(/needs TrafficSplit v1alpha3 or newer/);
  });

  it('honours a pinned version', async () => {
    const canary = await c.canary({ provider: 'smi:v1alpha1' });
    await c.router.setWeights(canary, { canary: 5, primary: 95 });
    expect((await readSplit(c, canary, 'v1alpha1')).spec.backends.map((b) => b.weight)).toEqual(['5', '95']);
  });
});

describe('SMI TrafficSplit router on a v1alpha4-only cluster', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await cluster({ split: ['v1alpha4'], specs: ['v1alpha4'] });
  });
  afterAll(() => c?.sandbox.stop());

  it('writes integer weights and hosts[0] as the root service', async () => {
    const canary = await c.canary({ service: { port: 80, hosts: ['app.example.internal'] } });
    await c.router.setWeights(canary, { canary: 50, primary: 50 });
    const split = await readSplit(c, canary, 'v1alpha4');
    expect(split.apiVersion).toBe('split.smi-spec.io/v1alpha4');
    expect(split.spec.service).toBe('app.example.internal');
    expect(split.spec.backends).toEqual([
      { service: 'app-canary', weight: 50 },
      { service: 'app-primary', weight: 50 },
    ]);
  });

  it('writes an HTTPRouteGroup from header matches and references it, then removes both', async () => {
    const match = [{ headers: { 'x-canary': { exact: 'insider' }, 'user-agent': { regex: '.*Firefox.*' } } }];
    const canary = await c.canary({ analysis: { interval: '1m', threshold: 5, iterations: 5, match } });
    expect(await c.router.observe(canary)).toEqual({ available: true, abTesting: true });
    await c.router.setWeights(canary, { canary: 100, primary: 0 });
    await c.router.setRouteMatches(canary, match);
    const group = (await c.custom.getNamespacedCustomObject({ group: 'specs.smi-spec.io', version: 'v1alpha4', namespace: canary.metadata.namespace!, plural: 'httproutegroups', name: 'app' })) as { spec: { matches: unknown[] } };
    expect(group.spec.matches).toEqual([{ name: 'kanari-ab-0', headers: { 'x-canary': '^insider$', 'user-agent': '.*Firefox.*' } }]);
    const split = await readSplit(c, canary, 'v1alpha4');
    expect(split.spec.matches).toEqual([{ kind: 'HTTPRouteGroup', name: 'app', apiGroup: 'specs.smi-spec.io' }]);
    expect(split.spec.backends.map((b) => b.weight)).toEqual([100, 0]);

    await c.router.setRouteMatches(canary, []);
    expect((await readSplit(c, canary, 'v1alpha4')).spec.matches).toBeUndefined();
    await expect(c.custom.getNamespacedCustomObject({ group: 'specs.smi-spec.io', version: 'v1alpha4', namespace: canary.metadata.namespace!, plural: 'httproutegroups', name: 'app' })).rejects.toMatchObject({ code: 404 });
  });

  it('removes the split on finalize', async () => {
    const canary = await c.canary();
    await c.router.ensureRoute(canary);
    await c.router.removeRoute(canary);
    expect(await c.router.getWeights(canary)).toBeUndefined();
  });
});

describe('SMI TrafficSplit router on a cluster without SMI', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await cluster();
  });
  afterAll(() => c?.sandbox.stop());

  it('reports the missing CRD in words a person can act on, then finds it once installed', async () => {
    const canary = await c.canary();
    const seen = await c.router.observe(canary);
    expect(seen.available).toBe(false);
    expect(seen.reason).toMatch(/TrafficSplit CRD not installed: install your mesh's SMI extension/);
    await expect(c.router.setWeights(canary, { canary: 10, primary: 90 })).rejects.toThrow(TrafficSplitNotServed);
    expect((await c.router.capabilities(canary)).reason).toBe('TrafficSplitNotServed');

    await c.sandbox.installCrds(...(smiCrds({ split: ['v1alpha3'], specs: ['v1alpha3'], access: [] }) as never[]));
    await c.router.refresh();
    expect(await c.router.observe(canary)).toEqual({ available: true, abTesting: true });
    await c.router.ensureRoute(canary);
    expect(await c.router.getWeights(canary)).toEqual({ canary: 0, primary: 100 });
  });
});
