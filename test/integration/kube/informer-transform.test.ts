import { CoreV1Api, type V1ConfigMap } from '@kubernetes/client-node';
import { keepFields, LAST_APPLIED_ANNOTATION } from '../../../src/kube/field-selection.ts';
import { ResilientInformer } from '../../../src/kube/informer.ts';
import { mergePatchOptions } from '../../../src/kube/patch.ts';
import { startSandbox, type Sandbox } from '../../helpers/sandbox.ts';

/** Polls until `check` holds (watch events arrive when they arrive); fails naming `what` after 10 s. */
async function eventually(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('an informer that keeps only what is read, lists in pages and indexes', () => {
  let sandbox: Sandbox;
  let core: CoreV1Api;
  let informer: ResilientInformer<V1ConfigMap> | undefined;
  const namespace = 'slim';

  beforeAll(async () => {
    sandbox = await startSandbox({ namespaces: [namespace] });
    core = sandbox.kubeConfig.makeApiClient(CoreV1Api);
  });
  afterEach(async () => {
    await informer?.stop();
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  /** A ConfigMap as `kubectl apply --server-side` leaves it, with kubectl's last-applied copy too. */
  async function apply(name: string, team: string, level: string): Promise<void> {
    const manifest = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace, labels: { team }, annotations: { [LAST_APPLIED_ANNOTATION]: JSON.stringify({ data: { level } }), owner: team } },
      data: { level },
    };
    const response = await sandbox.rawRequest('PATCH', `/api/v1/namespaces/${namespace}/configmaps/${name}?fieldManager=kubectl`, JSON.stringify(manifest), 'application/apply-patch+yaml');
    expect(response.status).toBeLessThan(300);
  }

  it('caches slim copies of listed and watched objects, over several pages, findable by index', async () => {
    for (let i = 0; i < 5; i++) await apply(`settings-${i}`, i < 3 ? 'red' : 'blue', 'info');
    const raw = await core.readNamespacedConfigMap({ name: 'settings-0', namespace });
    expect(raw.metadata?.managedFields?.length).toBeGreaterThan(0);

    sandbox.server.resetRequestCounts();
    informer = new ResilientInformer<V1ConfigMap>({
      kubeConfig: sandbox.kubeConfig,
      path: `/api/v1/namespaces/${namespace}/configmaps`,
      list: (page) => core.listNamespacedConfigMap({ namespace, ...page }),
      transform: keepFields<V1ConfigMap>({ data: true }),
      indexes: { team: (cm) => [cm.metadata?.labels?.team ?? ''] },
      pageSize: 2,
      relistIntervalMs: 0,
      watchdogMs: 0,
    });
    await informer.start();

    // Listed: every page, and nothing the controller does not read.
    expect(sandbox.server.requestCounts()['list configmaps']).toBe(3);
    expect(informer.list(namespace)).toHaveLength(5);
    const listed = informer.get(namespace, 'settings-0')!;
    expect(listed.metadata?.managedFields).toBeUndefined();
    expect(listed.metadata?.annotations).toEqual({ owner: 'red' });
    expect(listed.data).toEqual({ level: 'info' });
    const names = (team: string) => informer!.byIndex('team', namespace, team).map((cm) => cm.metadata?.name).sort();
    expect(names('red')).toEqual(['settings-0', 'settings-1', 'settings-2']);

    // Watched: an apply that changes data and team arrives slim too, and moves between index values.
    await apply('settings-0', 'blue', 'debug');
    await eventually('the change to reach the cache', () => informer!.get(namespace, 'settings-0')?.data?.level === 'debug');
    const watched = informer.get(namespace, 'settings-0')!;
    expect(watched.metadata?.managedFields).toBeUndefined();
    expect(watched.metadata?.annotations).toEqual({ owner: 'blue' });
    expect(names('red')).toEqual(['settings-1', 'settings-2']);
    expect(names('blue')).toEqual(['settings-0', 'settings-3', 'settings-4']);

    // A merge patch (no apply) keeps the index and cache in step as well; a delete leaves the index.
    await core.patchNamespacedConfigMap({ name: 'settings-1', namespace, body: { metadata: { labels: { team: 'blue' } } } }, mergePatchOptions());
    await core.deleteNamespacedConfigMap({ name: 'settings-3', namespace });
    await eventually('the label change and the deletion', () => names('red').length === 1 && informer!.get(namespace, 'settings-3') === undefined);
    expect(names('red')).toEqual(['settings-2']);
    expect(names('blue')).toEqual(['settings-0', 'settings-1', 'settings-4']);
    expect(() => informer!.byIndex('colour', namespace, 'red')).toThrow(/no index "colour"/);
  });

  it('relists without a second copy: unchanged objects stay the cached ones, only changes are transformed', async () => {
    const namespace2 = 'relist';
    await sandbox.createNamespace(namespace2);
    for (let i = 0; i < 4; i++) await core.createNamespacedConfigMap({ namespace: namespace2, body: { metadata: { name: `c${i}` }, data: { v: '1' } } });
    const transformed: string[] = [];
    const keep = keepFields<V1ConfigMap>({ data: true });
    informer = new ResilientInformer<V1ConfigMap>({
      kubeConfig: sandbox.kubeConfig,
      path: `/api/v1/namespaces/${namespace2}/configmaps`,
      list: (page) => core.listNamespacedConfigMap({ namespace: namespace2, ...page }),
      transform: (cm) => {
        transformed.push(cm.metadata?.name ?? '');
        return keep(cm);
      },
      pageSize: 3,
      backoff: { initialMs: 20, maxMs: 200 },
      relistIntervalMs: 0,
      watchdogMs: 0,
    });
    await informer.start();
    const before = informer.get(namespace2, 'c0');
    transformed.length = 0;
    sandbox.server.resetRequestCounts();
    // The watch history is compacted: the open watch ends with 410 Gone and the informer relists.
    sandbox.server.faults.compact();
    await core.patchNamespacedConfigMap({ name: 'c3', namespace: namespace2, body: { data: { v: '2' } } }, mergePatchOptions());
    await eventually('the relist to bring the change', () => informer!.get(namespace2, 'c3')?.data?.v === '2');
    await eventually('the relist', () => (sandbox.server.requestCounts()['list configmaps'] ?? 0) >= 2);
    expect(informer.get(namespace2, 'c0')).toBe(before);
    expect(transformed).toEqual(['c3']);
  });
});
