import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { startSandbox, type Sandbox } from '../../helpers/sandbox.ts';
import { CanaryStatusWriter } from '../../../src/controller/canary-status-writer.ts';
import { StatusSubresourceWriter } from '../../../src/kube/status-writer.ts';
import { KubeEventRecorder } from '../../../src/kube/events.ts';
import { mergePatchOptions } from '../../../src/kube/patch.ts';
import type { Canary } from '../../../src/api/canary.ts';
import { appCanary, createCanary } from '../workload/fixtures.ts';

describe('status writer and event recorder against the sandbox API server', () => {
  let sandbox: Sandbox;
  let custom: CustomObjectsApi;
  let core: CoreV1Api;
  let counter = 0;

  beforeAll(async () => {
    sandbox = await startSandbox();
    await sandbox.installCrds('crds/kanari.dev_canaries.yaml');
    custom = sandbox.kubeConfig.makeApiClient(CustomObjectsApi);
    core = sandbox.kubeConfig.makeApiClient(CoreV1Api);
  });
  afterEach(() => sandbox.server.faults.reset());
  afterAll(async () => {
    await sandbox?.stop();
  });

  async function canary(): Promise<Canary> {
    const namespace = `st-${++counter}`;
    await sandbox.createNamespace(namespace);
    return createCanary(sandbox.kubeConfig, appCanary(namespace));
  }
  const read = (c: Canary) => custom.getNamespacedCustomObject({ group: 'kanari.dev', version: 'v1alpha1', plural: 'canaries', namespace: c.metadata.namespace!, name: 'app' }) as Promise<Canary>;

  it('writes the status exactly as decided, dropping fields the new status lacks', async () => {
    const writer = new CanaryStatusWriter(new StatusSubresourceWriter(custom));
    const c = await canary();
    expect(await writer.write(c, { phase: 'Progressing', canaryWeight: 10, failedChecks: 1 }, c.metadata.resourceVersion!)).toBe('written');
    const progressing = await read(c);
    expect(progressing.status).toEqual({ phase: 'Progressing', canaryWeight: 10, failedChecks: 1 });
    expect(await writer.write(progressing, { phase: 'Progressing', canaryWeight: 20 }, progressing.metadata.resourceVersion!)).toBe('written');
    expect((await read(c)).status).toEqual({ phase: 'Progressing', canaryWeight: 20 });
    expect((await read(c)).spec).toEqual(progressing.spec);
  });

  it('refuses a status decided from a stale read; one decided from the latest read is written', async () => {
    const writer = new CanaryStatusWriter(new StatusSubresourceWriter(custom));
    const c = await canary();
    // Someone else changes the Canary after our read.
    await custom.patchNamespacedCustomObject({ group: 'kanari.dev', version: 'v1alpha1', plural: 'canaries', namespace: c.metadata.namespace!, name: 'app', body: { spec: { skipAnalysis: true } } }, mergePatchOptions());
    expect(await writer.write(c, { phase: 'Progressing', canaryWeight: 10 }, c.metadata.resourceVersion!)).toBe('conflict');
    const latest = await read(c);
    expect(latest.spec.skipAnalysis).toBe(true);
    expect(latest.status).toBeUndefined();
    // Re-deciding from the latest read succeeds.
    expect(await writer.write(latest, { phase: 'Progressing', canaryWeight: 10 }, latest.metadata.resourceVersion!)).toBe('written');
    expect((await read(c)).status).toEqual({ phase: 'Progressing', canaryWeight: 10 });
  });

  it('reports an injected 409 as a conflict, never as written', async () => {
    const writer = new CanaryStatusWriter(new StatusSubresourceWriter(custom));
    const c = await canary();
    sandbox.server.faults.conflictNext(1);
    expect(await writer.write(c, { phase: 'Initializing' }, c.metadata.resourceVersion!)).toBe('conflict');
    expect(await writer.write(c, { phase: 'Initializing' }, c.metadata.resourceVersion!)).toBe('written');
  });

  it('records Events on the Canary and aggregates repeats into a count', async () => {
    let now = new Date('2026-05-01T10:00:00Z');
    const recorder = new KubeEventRecorder({ core, now: () => now });
    const c = await canary();
    const event = { eventType: 'Normal' as const, reason: 'Advance', message: 'Advance canary weight 20 → 30: success rate 99.8% ≥ 99' };
    await recorder.record(c, event);
    now = new Date('2026-05-01T10:01:00Z');
    await recorder.record(c, event);
    await recorder.record(c, { eventType: 'Warning', reason: 'NoTraffic', message: 'no requests reached the canary in 1m' });
    const events = (await core.listNamespacedEvent({ namespace: c.metadata.namespace! })).items;
    expect(events).toHaveLength(2);
    const advance = events.find((e) => e.reason === 'Advance')!;
    expect(advance).toMatchObject({ type: 'Normal', count: 2, message: event.message, involvedObject: { kind: 'Canary', name: 'app', uid: c.metadata.uid, namespace: c.metadata.namespace } });
    expect(new Date(advance.lastTimestamp!).toISOString()).toBe('2026-05-01T10:01:00.000Z');
    expect(new Date(advance.firstTimestamp!).toISOString()).toBe('2026-05-01T10:00:00.000Z');
    expect(events.find((e) => e.reason === 'NoTraffic')).toMatchObject({ type: 'Warning', count: 1 });
  });

  it('never throws when the API server fails', async () => {
    const recorder = new KubeEventRecorder({ core });
    const c = await canary();
    sandbox.server.faults.failNext(4, 500);
    await expect(recorder.record(c, { eventType: 'Normal', reason: 'Test', message: 'x' })).resolves.toBeUndefined();
  });
});
