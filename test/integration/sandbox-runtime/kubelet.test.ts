import { AppsV1Api, CoreV1Api, PatchStrategy, setHeaderOptions, type V1Deployment } from '@kubernetes/client-node';
import { startApiServer, type SandboxApiServer } from '../../../src/sandbox/apiserver/index.ts';
import { FakeClock } from '../../../src/time/clock.ts';
import { PORT_ANNOTATION, startSimulatedKubelet, type SimulatedKubelet } from '../../../src/sandbox/kubelet/simulated-kubelet.ts';
import { eventually } from '../../helpers/eventually.ts';

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

function podinfo(name: string, env: Record<string, string>, replicas = 2): V1Deployment {
  return {
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      progressDeadlineSeconds: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { serviceAccountName: 'podinfo', containers: [{ name: 'podinfo', image: 'ghcr.io/stefanprodan/podinfo:6.0.0', env: Object.entries(env).map(([n, value]) => ({ name: n, value })) }] },
      },
    },
  };
}

/** Pods start and deadlines pass on a fake clock: the test says when time moves. */
describe('simulated kubelet', () => {
  const STARTUP_MS = 50;
  const clock = new FakeClock(Date.parse('2026-03-02T10:00:00Z'));
  let server: SandboxApiServer;
  let kubelet: SimulatedKubelet;
  let apps: AppsV1Api;
  let core: CoreV1Api;

  beforeAll(async () => {
    server = await startApiServer();
    apps = server.kubeConfig.makeApiClient(AppsV1Api);
    core = server.kubeConfig.makeApiClient(CoreV1Api);
    kubelet = await startSimulatedKubelet({ kubeConfig: server.kubeConfig, startupDelayMs: STARTUP_MS, clock, seed: 1 });
  });
  afterAll(async () => {
    await kubelet?.stop();
    await server?.stop();
  });

  const read = (name: string) => apps.readNamespacedDeployment({ name, namespace: 'default' });

  it('brings a Deployment to ready with the status fields the deployment controller writes, serving its VERSION', async () => {
    await apps.createNamespacedDeployment({ namespace: 'default', body: podinfo('web', { VERSION: 'v1' }) });
    await eventually('web pods created', async () => (await read('web')).status?.replicas === 2);
    clock.advance(STARTUP_MS);
    const deployment = await eventually('web ready', async () => {
      const d = await read('web');
      return d.status?.readyReplicas === 2 && d.status.conditions?.find((c) => c.type === 'Progressing')?.reason === 'NewReplicaSetAvailable' && d;
    });
    expect(deployment.status).toMatchObject({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2, unavailableReplicas: 0 });
    expect(deployment.status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable'],
      ['Progressing', 'True', 'NewReplicaSetAvailable'],
    ]);

    const pods = (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' })).items;
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.status?.podIP).toBe('127.0.0.1');
      expect(pod.metadata?.labels?.['pod-template-hash']).toBeTruthy();
      const port = pod.metadata?.annotations?.[PORT_ANNOTATION];
      const response = await fetch(`http://127.0.0.1:${port}/`);
      expect(response.headers.get('x-kanari-version')).toBe('v1');
      expect(await response.json()).toMatchObject({ version: 'v1', pod: pod.metadata?.name });
    }
    const replicaSets = (await apps.listNamespacedReplicaSet({ namespace: 'default', labelSelector: 'app=web' })).items;
    expect(replicaSets).toHaveLength(1);
    expect(replicaSets[0].status).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 2 });
    expect(replicaSets[0].metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'web' });
  });

  it('rolls out a changed template through a new ReplicaSet, never dropping below the desired ready count', async () => {
    await eventually('web running', () => kubelet.replicasOf('default', 'web').length === 2);
    const lowest: number[] = [];
    const sampler = setInterval(() => lowest.push(kubelet.replicasOf('default', 'web').length), 5);
    await apps.patchNamespacedDeployment(
      { name: 'web', namespace: 'default', body: { spec: { template: { spec: { containers: [{ name: 'podinfo', image: 'ghcr.io/stefanprodan/podinfo:6.0.1', env: [{ name: 'VERSION', value: 'v2' }] }] } } } } },
      mergePatch,
    );
    await eventually('the v2 pods created', async () => (await read('web')).status?.observedGeneration === 2);
    clock.advance(STARTUP_MS);
    const deployment = await eventually('rollout of v2', async () => {
      const d = await read('web');
      return d.status?.observedGeneration === 2 && d.status.updatedReplicas === 2 && d.status.replicas === 2 && d.status.availableReplicas === 2 && d;
    });
    clearInterval(sampler);
    expect(deployment.status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
    expect(Math.min(...lowest)).toBeGreaterThanOrEqual(2);
    const versions = await Promise.all(kubelet.replicasOf('default', 'web').map(async (e) => (await fetch(e.url)).headers.get('x-kanari-version')));
    expect(versions).toEqual(['v2', 'v2']);
    const replicaSets = (await apps.listNamespacedReplicaSet({ namespace: 'default', labelSelector: 'app=web' })).items;
    expect(replicaSets.map((rs) => rs.spec?.replicas).sort()).toEqual([0, 2]);
  });

  it('stops the servers when scaled to 0', async () => {
    const urls = kubelet.replicasOf('default', 'web').map((e) => e.url);
    await apps.patchNamespacedDeployment({ name: 'web', namespace: 'default', body: { spec: { replicas: 0 } } }, mergePatch);
    await eventually('scaled to 0', async () => (await read('web')).status?.replicas === 0);
    expect(kubelet.replicasOf('default', 'web')).toEqual([]);
    for (const url of urls) await expect(fetch(url)).rejects.toThrow();
    expect((await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' })).items).toHaveLength(0);
  });

  it('holds a Deployment unready until released, reporting ProgressDeadlineExceeded after the deadline', async () => {
    kubelet.holdUnready('default', 'slow');
    await apps.createNamespacedDeployment({ namespace: 'default', body: podinfo('slow', { VERSION: 'v1' }, 1) });
    await eventually('slow pod created', async () => (await read('slow')).status?.replicas === 1);
    await kubelet.idle();
    expect((await read('slow')).status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe('ReplicaSetUpdated');
    // Past the 2 s progress deadline: the deadline timer wakes the kubelet up.
    clock.advance(3000);
    const stuck = await eventually('deadline exceeded', async () => {
      const d = await read('slow');
      return d.status?.conditions?.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded') && d;
    });
    expect(stuck.status).toMatchObject({ replicas: 1, readyReplicas: 0, availableReplicas: 0, unavailableReplicas: 1 });
    kubelet.release('default', 'slow');
    await eventually('released', async () => (await read('slow')).status?.availableReplicas === 1);
  });

  it('finds the ready pods a Service selects', async () => {
    await apps.createNamespacedDeployment({ namespace: 'default', body: podinfo('api', { VERSION: 'v7' }, 3) });
    await core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'api' }, spec: { selector: { app: 'api' }, ports: [{ port: 80 }] } } });
    await eventually('api pods created', async () => (await read('api')).status?.replicas === 3);
    clock.advance(STARTUP_MS);
    const endpoints = await eventually('api endpoints', () => kubelet.endpoints('default', 'api').length === 3 && kubelet.endpoints('default', 'api'));
    expect(endpoints.map((e) => [e.deployment, e.version, e.serviceAccount])).toEqual([
      ['api', 'v7', 'podinfo'],
      ['api', 'v7', 'podinfo'],
      ['api', 'v7', 'podinfo'],
    ]);
    expect(kubelet.endpoints('default', 'missing')).toEqual([]);
  });
});
