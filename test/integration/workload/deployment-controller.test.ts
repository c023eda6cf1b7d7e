import { FakeClock } from '../../../src/time/clock.ts';
import { createKubeClients, type KubeClients } from '../../../src/kube/client.ts';
import { mergePatchOptions } from '../../../src/kube/patch.ts';
import { startDeploymentController, type DeploymentController } from '../../../src/sandbox/kubelet/deployment-controller.ts';
import { deploymentReadiness, observeDeployment } from '../../../src/workload/readiness.ts';
import { eventually } from '../../helpers/eventually.ts';
import { startSandbox, type Sandbox } from '../../helpers/sandbox.ts';
import { appDeployment } from './fixtures.ts';

/** The sandbox's deployment controller as Kanari's readiness rule reads it: pods start on a fake clock. */
describe('the sandbox deployment controller and readiness', () => {
  const STARTUP_MS = 5000;
  let sandbox: Sandbox;
  let clients: KubeClients;
  let deployments: DeploymentController;
  const clock = new FakeClock(Date.parse('2026-03-02T10:00:00Z'));

  beforeAll(async () => {
    sandbox = await startSandbox({ namespaces: ['dc'] });
    clients = createKubeClients({ kind: 'given', kubeConfig: sandbox.kubeConfig });
    deployments = await startDeploymentController({ kubeConfig: sandbox.kubeConfig, namespace: 'dc', startupDelayMs: STARTUP_MS, clock });
  });
  afterAll(async () => {
    await deployments?.stop();
    await sandbox?.stop();
  });

  const read = (name: string) => clients.apps.readNamespacedDeployment({ name, namespace: 'dc' });
  const readiness = async (name: string) => deploymentReadiness(observeDeployment(await read(name)));

  /** Waits until the controller has seen generation `generation` of `name` and written all it had to. */
  async function observed(name: string, generation: number): Promise<void> {
    await eventually(`${name} generation ${generation} observed`, async () => (await read(name)).status?.observedGeneration === generation);
    await deployments.idle();
  }

  it('rolls a Deployment out once its pods have started, and again after a spec change', async () => {
    await clients.apps.createNamespacedDeployment({ namespace: 'dc', body: { ...appDeployment('dc'), metadata: { name: 'web', namespace: 'dc' } } });
    await observed('web', 1);
    expect(await readiness('web')).toEqual({ ready: false, reason: '0 of 3 updated replicas available' });

    clock.advance(STARTUP_MS);
    await eventually('web ready', async () => (await readiness('web')).ready);
    await clients.apps.patchNamespacedDeployment({ name: 'web', namespace: 'dc', body: { spec: { replicas: 5 } } }, mergePatchOptions());
    await observed('web', 2);
    // The three running pods stay available while the two new ones start.
    expect((await read('web')).status).toMatchObject({ replicas: 5, updatedReplicas: 5, availableReplicas: 3 });
    clock.advance(STARTUP_MS);
    await eventually('web ready at 5 replicas', async () => (await readiness('web')).ready);
    expect((await read('web')).status?.availableReplicas).toBe(5);
  });

  it('keeps a Deployment unready until released', async () => {
    deployments.holdUnready('dc', 'slow');
    await clients.apps.createNamespacedDeployment({ namespace: 'dc', body: { ...appDeployment('dc'), metadata: { name: 'slow', namespace: 'dc' } } });
    await observed('slow', 1);
    // Long past the pods' startup, and the controller done with what that woke up: still not ready.
    clock.advance(10 * STARTUP_MS);
    await deployments.idle();
    expect(await readiness('slow')).toEqual({ ready: false, reason: '0 of 3 updated replicas available' });
    deployments.release('dc', 'slow');
    await eventually('slow ready', async () => (await readiness('slow')).ready);
  });
});
