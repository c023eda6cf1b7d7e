import { AppsV1Api, CoreV1Api, PatchStrategy, setHeaderOptions, type ApiException, type V1Deployment } from '@kubernetes/client-node';
import { eventually } from '../../helpers/eventually.ts';
import { apiFailure, startSandbox, type Sandbox } from '../../helpers/sandbox.ts';

// Object semantics through the real client-node: what a controller relies on in a real cluster.

function deployment(name: string, labels: Record<string, string> = { app: name }): V1Deployment {
  return {
    metadata: { name, labels },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'podinfo:6.0.0' }] } },
    },
  };
}

describe('sandbox API server objects', () => {
  let sandbox: Sandbox;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  const ns = 'objects';

  beforeAll(async () => {
    sandbox = await startSandbox({ namespaces: [ns] });
    core = sandbox.kubeConfig.makeApiClient(CoreV1Api);
    apps = sandbox.kubeConfig.makeApiClient(AppsV1Api);
  });
  afterAll(() => sandbox.stop());

  test('create assigns uid, timestamp, generation and defaults; get, replace and delete round-trip', async () => {
    const created = await apps.createNamespacedDeployment({ namespace: ns, body: deployment('crud') });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(created.metadata?.generation).toBe(1);
    expect(created.spec?.replicas).toBe(1);
    expect(created.spec?.strategy?.type).toBe('RollingUpdate');
    const got = await apps.readNamespacedDeployment({ namespace: ns, name: 'crud' });
    expect(got.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
    const deleted = await apps.deleteNamespacedDeployment({ namespace: ns, name: 'crud' });
    expect(deleted.status).toBe('Success');
    const gone = await apiFailure(apps.readNamespacedDeployment({ namespace: ns, name: 'crud' }));
    expect(gone).toMatchObject({ code: 404, reason: 'NotFound', message: 'deployments.apps "crud" not found' });
  });

  test('resourceVersions come from one increasing counter across kinds', async () => {
    const a = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'rv-a' } } });
    const b = await apps.createNamespacedDeployment({ namespace: ns, body: deployment('rv-b') });
    const c = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'rv-c' } } });
    const rvs = [a, b, c].map((o) => Number(o.metadata?.resourceVersion));
    expect(rvs[1]).toBeGreaterThan(rvs[0]);
    expect(rvs[2]).toBeGreaterThan(rvs[1]);
  });

  test('generation moves on spec changes only, never on metadata or status', async () => {
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('gen') });
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const labelled = await apps.patchNamespacedDeployment({ namespace: ns, name: 'gen', body: { metadata: { labels: { x: 'y' } } } }, merge);
    expect(labelled.metadata?.generation).toBe(1);
    const scaled = await apps.patchNamespacedDeployment({ namespace: ns, name: 'gen', body: { spec: { replicas: 3 } } }, merge);
    expect(scaled.metadata?.generation).toBe(2);
    const status = await apps.patchNamespacedDeploymentStatus({ namespace: ns, name: 'gen', body: { status: { readyReplicas: 3, observedGeneration: 2 } } }, merge);
    expect(status.metadata?.generation).toBe(2);
    expect(status.status?.readyReplicas).toBe(3);
  });

  test('status changes only through /status, and /status cannot change the spec', async () => {
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('split') });
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const viaMain = await apps.patchNamespacedDeployment({ namespace: ns, name: 'split', body: { status: { readyReplicas: 7 } } }, merge);
    expect(viaMain.status?.readyReplicas).toBeUndefined();
    const viaStatus = await apps.patchNamespacedDeploymentStatus({ namespace: ns, name: 'split', body: { spec: { replicas: 9 }, status: { readyReplicas: 1 } } }, merge);
    expect(viaStatus.spec?.replicas).toBe(1);
    expect(viaStatus.status?.readyReplicas).toBe(1);
  });

  test('two updates from the same resourceVersion: exactly one wins, the other gets 409 Conflict', async () => {
    const base = await apps.createNamespacedDeployment({ namespace: ns, body: deployment('race') });
    const attempt = (replicas: number) =>
      apps.replaceNamespacedDeployment({ namespace: ns, name: 'race', body: { ...base, spec: { ...base.spec!, replicas } } }).then(
        () => 'ok',
        (err: ApiException<string>) => JSON.parse(err.body) as { code: number; message: string },
      );
    const results = await Promise.all([attempt(2), attempt(3)]);
    expect(results.filter((r) => r === 'ok')).toHaveLength(1);
    expect(results.find((r) => r !== 'ok')).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on deployments.apps "race": the object has been modified; please apply your changes to the latest version and try again',
    });
  });

  test('a merge patch carrying a stale resourceVersion is refused with 409', async () => {
    const base = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'stale' }, data: { a: '1' } } });
    await core.patchNamespacedConfigMap({ namespace: ns, name: 'stale', body: { data: { a: '2' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    const err = await apiFailure(
      core.patchNamespacedConfigMap({ namespace: ns, name: 'stale', body: { metadata: { resourceVersion: base.metadata?.resourceVersion }, data: { a: '3' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)),
    );
    expect(err.code).toBe(409);
  });

  test('finalizers hold a deleted object with deletionTimestamp until they are removed', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'held', finalizers: ['kanari.dev/finalizer'] } } });
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'held' });
    const still = await core.readNamespacedConfigMap({ namespace: ns, name: 'held' });
    expect(still.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    await core.patchNamespacedConfigMap({ namespace: ns, name: 'held', body: { metadata: { finalizers: null } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    expect((await apiFailure(core.readNamespacedConfigMap({ namespace: ns, name: 'held' }))).code).toBe(404);
  });

  test('deleting an owner garbage-collects its dependents in the background', async () => {
    const owner = await apps.createNamespacedDeployment({ namespace: ns, body: deployment('owner') });
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'owner', uid: owner.metadata!.uid!, controller: true };
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'dependent', ownerReferences: [ref] } } });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'unrelated' } } });
    await apps.deleteNamespacedDeployment({ namespace: ns, name: 'owner' });
    await eventually('the dependent to be collected', async () => (await core.listNamespacedConfigMap({ namespace: ns, fieldSelector: 'metadata.name=dependent' })).items.length === 0);
    expect((await core.readNamespacedConfigMap({ namespace: ns, name: 'unrelated' })).metadata?.name).toBe('unrelated');
  });

  test('generateName yields a unique name with a random suffix', async () => {
    const a = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { generateName: 'gen-' } } });
    const b = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { generateName: 'gen-' } } });
    expect(a.metadata?.name).toMatch(/^gen-[a-z0-9]{5}$/);
    expect(a.metadata?.name).not.toBe(b.metadata?.name);
  });

  test('duplicate names, missing namespaces and invalid objects fail as the real server reports them', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'dup' } } });
    expect(await apiFailure(core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'dup' } } }))).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'configmaps "dup" already exists' });
    expect(await apiFailure(core.createNamespacedConfigMap({ namespace: 'nowhere', body: { metadata: { name: 'x' } } }))).toMatchObject({ code: 404, message: 'namespaces "nowhere" not found' });
    const bad = await apiFailure(apps.createNamespacedDeployment({ namespace: ns, body: { metadata: { name: 'Bad_Name' }, spec: { ...deployment('x').spec!, selector: { matchLabels: { app: 'y' } } } } }));
    expect(bad).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(bad.details?.causes?.map((c) => c.field)).toEqual(['metadata.name', 'spec.template.metadata.labels']);
  });

  test('label selectors (=, !=, in, notin, exists, !key) and field selectors filter lists', async () => {
    await core.createNamespace({ body: { metadata: { name: 'selectors' } } });
    const mk = (name: string, labels: Record<string, string>) => core.createNamespacedConfigMap({ namespace: 'selectors', body: { metadata: { name, labels } } });
    await mk('a', { tier: 'web', env: 'prod' });
    await mk('b', { tier: 'api', env: 'prod' });
    await mk('c', { tier: 'db' });
    const names = async (labelSelector?: string, fieldSelector?: string) =>
      (await core.listNamespacedConfigMap({ namespace: 'selectors', labelSelector, fieldSelector })).items.map((i) => i.metadata?.name);
    expect(await names('tier=web')).toEqual(['a']);
    expect(await names('tier==api')).toEqual(['b']);
    expect(await names('tier!=web')).toEqual(['b', 'c']);
    expect(await names('tier in (web,db)')).toEqual(['a', 'c']);
    expect(await names('tier notin (web,db)')).toEqual(['b']);
    expect(await names('env')).toEqual(['a', 'b']);
    expect(await names('!env')).toEqual(['c']);
    expect(await names(undefined, 'metadata.name=b')).toEqual(['b']);
    expect(await names('env', 'metadata.name!=a')).toEqual(['b']);
  });

  test('lists page with limit and continue', async () => {
    await core.createNamespace({ body: { metadata: { name: 'paging' } } });
    for (let i = 0; i < 5; i++) await core.createNamespacedConfigMap({ namespace: 'paging', body: { metadata: { name: `cm-${i}` } } });
    const first = await core.listNamespacedConfigMap({ namespace: 'paging', limit: 2 });
    expect(first.items.map((i) => i.metadata?.name)).toEqual(['cm-0', 'cm-1']);
    expect(first.metadata?.remainingItemCount).toBe(3);
    const second = await core.listNamespacedConfigMap({ namespace: 'paging', limit: 2, _continue: first.metadata?._continue });
    const third = await core.listNamespacedConfigMap({ namespace: 'paging', limit: 2, _continue: second.metadata?._continue });
    expect([...second.items, ...third.items].map((i) => i.metadata?.name)).toEqual(['cm-2', 'cm-3', 'cm-4']);
    expect(third.metadata?._continue).toBeUndefined();
  });

  test('the scale subresource reads and writes replicas', async () => {
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('scaled') });
    const scale = await apps.readNamespacedDeploymentScale({ namespace: ns, name: 'scaled' });
    expect(scale).toMatchObject({ kind: 'Scale', spec: { replicas: 1 }, status: { selector: 'app=scaled' } });
    await apps.patchNamespacedDeploymentScale({ namespace: ns, name: 'scaled', body: { spec: { replicas: 4 } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    const after = await apps.readNamespacedDeployment({ namespace: ns, name: 'scaled' });
    expect(after.spec?.replicas).toBe(4);
    expect(after.metadata?.generation).toBe(2);
  });

  test('deleting a namespace removes what it holds, then the namespace', async () => {
    await core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    await core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'inside' } } });
    const terminating = await core.deleteNamespace({ name: 'doomed' });
    expect((terminating as unknown as { status: { phase: string } }).status.phase).toBe('Terminating');
    await eventually('the namespace to be gone', async () => !(await core.listNamespace()).items.some((n) => n.metadata?.name === 'doomed'));
    expect((await core.listConfigMapForAllNamespaces({ fieldSelector: 'metadata.namespace=doomed' })).items).toHaveLength(0);
  });
});
