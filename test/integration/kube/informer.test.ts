import { CoreV1Api, type V1ConfigMap } from '@kubernetes/client-node';
import { startSandbox, type Sandbox } from '../../helpers/sandbox.ts';
import { ResilientInformer } from '../../../src/kube/informer.ts';
import { eventually } from '../../helpers/eventually.ts';

describe('resilient informer against the sandbox API server', () => {
  let sandbox: Sandbox;
  let core: CoreV1Api;
  const informers: ResilientInformer<V1ConfigMap>[] = [];
  let nsCounter = 0;

  beforeAll(async () => {
    sandbox = await startSandbox({ bookmarkIntervalMs: 200 });
    core = sandbox.kubeConfig.makeApiClient(CoreV1Api);
  });
  afterEach(async () => {
    sandbox.server.faults.reset();
    await Promise.all(informers.splice(0).map((i) => i.stop()));
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  async function namespaceWithInformer(options: { watchdogMs?: number; relistIntervalMs?: number } = {}) {
    const namespace = `inf-${++nsCounter}`;
    await sandbox.createNamespace(namespace);
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'before', labels: { role: 'seed' } }, data: { v: '1' } } });
    const informer = new ResilientInformer<V1ConfigMap>({
      kubeConfig: sandbox.kubeConfig,
      path: `/api/v1/namespaces/${namespace}/configmaps`,
      list: () => core.listNamespacedConfigMap({ namespace }),
      backoff: { initialMs: 20, maxMs: 200 },
      relistIntervalMs: options.relistIntervalMs ?? 0,
      watchdogMs: options.watchdogMs ?? 0,
    });
    informers.push(informer);
    const events: string[] = [];
    informer.onEvent((type, obj) => events.push(`${type} ${obj.metadata?.name}`));
    await informer.start();
    return { namespace, informer, events };
  }

  const create = (namespace: string, name: string) => core.createNamespacedConfigMap({ namespace, body: { metadata: { name }, data: { v: '1' } } });

  it('lists, then follows changes, with typed getters', async () => {
    const { namespace, informer, events } = await namespaceWithInformer();
    expect(informer.healthy()).toBe(true);
    expect(informer.get(namespace, 'before')?.data).toEqual({ v: '1' });
    expect(informer.byLabels({ role: 'seed' }, namespace).map((c) => c.metadata?.name)).toEqual(['before']);
    await create(namespace, 'after');
    await eventually('the new ConfigMap', () => informer.get(namespace, 'after') !== undefined);
    await core.deleteNamespacedConfigMap({ name: 'before', namespace });
    await eventually('the deletion', () => informer.get(namespace, 'before') === undefined);
    expect(events).toEqual(['add before', 'add after', 'delete before']);
  });

  it('survives a forced 410 Gone by relisting', async () => {
    const { namespace, informer } = await namespaceWithInformer();
    sandbox.server.faults.compact();
    await create(namespace, 'after-compaction');
    await eventually('the ConfigMap created after compaction', () => informer.get(namespace, 'after-compaction') !== undefined);
    expect(informer.healthy()).toBe(true);
  });

  it('survives a dropped stream', async () => {
    const { namespace, informer } = await namespaceWithInformer();
    sandbox.server.faults.dropWatches();
    await create(namespace, 'after-drop');
    await eventually('the ConfigMap created after the drop', () => informer.get(namespace, 'after-drop') !== undefined);
  });

  it('survives a burst of 5xx answers, unhealthy meanwhile, and recovers', async () => {
    const { namespace, informer } = await namespaceWithInformer();
    sandbox.server.faults.failNext(6, 503);
    sandbox.server.faults.dropWatches();
    await eventually('the informer to notice the failures', () => !informer.healthy());
    await eventually('recovery', () => informer.healthy());
    await create(namespace, 'after-burst');
    await eventually('the ConfigMap created after the burst', () => informer.get(namespace, 'after-burst') !== undefined);
    expect(informer.restarts()).toBeGreaterThan(0);
  });

  it('restarts a silent stream through the watchdog and still sees changes', async () => {
    const quiet = await startSandbox({ bookmarkIntervalMs: 60_000 });
    try {
      const quietCore = quiet.kubeConfig.makeApiClient(CoreV1Api);
      await quiet.createNamespace('quiet');
      const informer = new ResilientInformer<V1ConfigMap>({
        kubeConfig: quiet.kubeConfig,
        path: '/api/v1/namespaces/quiet/configmaps',
        list: () => quietCore.listNamespacedConfigMap({ namespace: 'quiet' }),
        watchdogMs: 300,
        relistIntervalMs: 0,
      });
      informers.push(informer);
      await informer.start();
      await eventually('a watchdog restart', () => informer.restarts() > 0);
      await quietCore.createNamespacedConfigMap({ namespace: 'quiet', body: { metadata: { name: 'late' } } });
      await eventually('the ConfigMap after the restart', () => informer.get('quiet', 'late') !== undefined);
      expect(informer.healthy()).toBe(true);
    } finally {
      await Promise.all(informers.splice(0).map((i) => i.stop()));
      await quiet.stop();
    }
  });

  it('relists periodically without reporting unchanged objects again', async () => {
    const { namespace, informer, events } = await namespaceWithInformer({ relistIntervalMs: 150 });
    await eventually('two relists', () => informer.restarts() >= 2);
    expect(events).toEqual(['add before']);
    await create(namespace, 'later');
    await eventually('the new ConfigMap', () => informer.get(namespace, 'later') !== undefined);
  });
});
