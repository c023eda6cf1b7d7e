import { CoreV1Api, makeInformer, PatchStrategy, setHeaderOptions, Watch, type V1ConfigMap } from '@kubernetes/client-node';
import { eventually } from '../../helpers/eventually.ts';
import { startSandbox, type Sandbox } from '../../helpers/sandbox.ts';

// WATCH and informers through the real client-node: replay, bookmarks, selectors, 410 Gone, reconnects.

interface Seen {
  type: string;
  name: string | undefined;
  rv: string | undefined;
}

describe('sandbox API server watch', () => {
  let sandbox: Sandbox;
  let core: CoreV1Api;
  const aborts: AbortController[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ namespaces: ['w'], bookmarkIntervalMs: 100 });
    core = sandbox.kubeConfig.makeApiClient(CoreV1Api);
  });
  afterEach(() => {
    for (const a of aborts.splice(0)) a.abort();
  });
  afterAll(() => sandbox.stop());

  /** Starts a watch and collects its events; `ended` resolves when the server closes the stream. */
  async function watch(path: string, query: Record<string, string | number | boolean | undefined>): Promise<{ events: Seen[]; ended: Promise<unknown> }> {
    const events: Seen[] = [];
    let done: (err: unknown) => void = () => {};
    const ended = new Promise((r) => (done = r));
    const abort = await new Watch(sandbox.kubeConfig).watch(
      path,
      query,
      (type, obj: { metadata?: { name?: string; resourceVersion?: string } }) => events.push({ type, name: obj.metadata?.name, rv: obj.metadata?.resourceVersion }),
      (err) => done(err),
    );
    aborts.push(abort);
    return { events, ended };
  }

  test('without a resourceVersion a watch starts with ADDED for what exists, then streams changes', async () => {
    await core.createNamespace({ body: { metadata: { name: 'w1' } } });
    await core.createNamespacedConfigMap({ namespace: 'w1', body: { metadata: { name: 'before' } } });
    const w = await watch('/api/v1/namespaces/w1/configmaps', {});
    await eventually('one event', () => w.events.length === 1);
    await core.patchNamespacedConfigMap({ namespace: 'w1', name: 'before', body: { data: { a: '1' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    await core.deleteNamespacedConfigMap({ namespace: 'w1', name: 'before' });
    await eventually('three events', () => w.events.length === 3);
    expect(w.events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    const rvs = w.events.map((e) => Number(e.rv));
    expect(rvs[1]).toBeGreaterThan(rvs[0]);
    expect(rvs[2]).toBeGreaterThan(rvs[1]);
  });

  test('a watch from a resourceVersion replays exactly the changes after it', async () => {
    const start = await core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: 'r1' } } });
    await core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: 'r2' } } });
    await core.deleteNamespacedConfigMap({ namespace: 'w', name: 'r1' });
    const w = await watch('/api/v1/namespaces/w/configmaps', { resourceVersion: start.metadata?.resourceVersion });
    await eventually('two events', () => w.events.length === 2);
    expect(w.events.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED r2', 'DELETED r1']);
  });

  test('bookmarks arrive when asked for, one after another, and timeoutSeconds ends the stream', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: 'w' });
    const w = await watch('/api/v1/namespaces/w/configmaps', { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true });
    const bookmarks = await eventually('two bookmarks', () => {
      const seen = w.events.filter((e) => e.type === 'BOOKMARK');
      return seen.length >= 2 && seen;
    });
    expect(Number(bookmarks[0].rv)).toBeGreaterThanOrEqual(Number(list.metadata?.resourceVersion));
    const timed = await watch('/api/v1/namespaces/w/configmaps', { resourceVersion: list.metadata?.resourceVersion, timeoutSeconds: 1 });
    await timed.ended;
    expect(timed.events.filter((e) => e.type === 'BOOKMARK')).toEqual([]);
  });

  test('an object leaving a label selector is seen as DELETED, entering it as ADDED', async () => {
    await core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: 'sel', labels: { team: 'a' } } } });
    const w = await watch('/api/v1/namespaces/w/configmaps', { labelSelector: 'team=a' });
    await eventually('one event', () => w.events.length === 1);
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    await core.patchNamespacedConfigMap({ namespace: 'w', name: 'sel', body: { metadata: { labels: { team: 'b' } } } }, merge);
    await core.patchNamespacedConfigMap({ namespace: 'w', name: 'sel', body: { metadata: { labels: { team: 'a' } } } }, merge);
    await eventually('three events', () => w.events.length === 3);
    expect(w.events.map((e) => e.type)).toEqual(['ADDED', 'DELETED', 'ADDED']);
  });

  test('a resourceVersion older than the history window gets 410 Gone as an ERROR event', async () => {
    const old = await core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name: 'gone' } } });
    sandbox.server.faults.compact();
    const errors: unknown[] = [];
    const abort = await new Watch(sandbox.kubeConfig).watch(
      '/api/v1/namespaces/w/configmaps',
      { resourceVersion: old.metadata?.resourceVersion },
      (type, obj) => errors.push({ type, obj }),
      () => {},
    );
    aborts.push(abort);
    await eventually('the 410 error event', () => errors.length === 1);
    expect(errors[0]).toMatchObject({ type: 'ERROR', obj: { kind: 'Status', code: 410, reason: 'Expired' } });
  });

  test('makeInformer keeps its cache right across a dropped stream and a forced 410', async () => {
    await core.createNamespace({ body: { metadata: { name: 'inf' } } });
    await core.createNamespacedConfigMap({ namespace: 'inf', body: { metadata: { name: 'one' } } });
    const informer = makeInformer<V1ConfigMap>(sandbox.kubeConfig, '/api/v1/namespaces/inf/configmaps', () => core.listNamespacedConfigMap({ namespace: 'inf' }));
    const errors: unknown[] = [];
    informer.on('error', (err) => errors.push(err));
    await informer.start();
    const names = () => informer.list().map((c) => c.metadata?.name).sort().join(',');
    expect(names()).toBe('one');

    sandbox.server.faults.dropWatches();
    await core.createNamespacedConfigMap({ namespace: 'inf', body: { metadata: { name: 'two' } } });
    await eventually('the cache to hold one,two', () => names() === 'one,two');

    sandbox.server.faults.compact();
    await core.createNamespacedConfigMap({ namespace: 'inf', body: { metadata: { name: 'three' } } });
    await core.deleteNamespacedConfigMap({ namespace: 'inf', name: 'one' });
    await eventually('the cache to hold three,two', () => names() === 'three,two');
    expect(errors).toEqual([]);
    await informer.stop();
  });

  test('a hundred watchers all receive a change', async () => {
    await core.createNamespace({ body: { metadata: { name: 'fan' } } });
    const watchers = await Promise.all(Array.from({ length: 100 }, () => watch('/api/v1/namespaces/fan/configmaps', {})));
    await core.createNamespacedConfigMap({ namespace: 'fan', body: { metadata: { name: 'x' } } });
    await eventually('every watcher to see the change', () => watchers.every((w) => w.events.length === 1));
    expect(sandbox.server.requestCounts()['watch configmaps']).toBeGreaterThanOrEqual(100);
  });
});
