import { startSandbox, type Sandbox } from '../../helpers/sandbox.ts';
import { DeploymentControllerSim } from '../../helpers/deployment-controller.ts';
import { createKubeClients, type KubeClients } from '../../../src/kube/client.ts';
import { mergePatchOptions } from '../../../src/kube/patch.ts';
import { deploymentReadiness, observeDeployment } from '../../../src/workload/readiness.ts';
import { appDeployment } from './fixtures.ts';

async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 250; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('deployment controller stand-in and readiness', () => {
  let sandbox: Sandbox;
  let clients: KubeClients;
  let sim: DeploymentControllerSim;

  beforeAll(async () => {
    sandbox = await startSandbox({ namespaces: ['dc'] });
    clients = createKubeClients({ kind: 'given', kubeConfig: sandbox.kubeConfig });
    sim = new DeploymentControllerSim({ kubeConfig: sandbox.kubeConfig, delayMs: 30 });
    await sim.start();
  });
  afterAll(async () => {
    await sim?.stop();
    await sandbox?.stop();
  });

  const ready = async (name: string) => deploymentReadiness(observeDeployment(await clients.apps.readNamespacedDeployment({ name, namespace: 'dc' }))).ready;

  it('rolls a Deployment out, and again after a spec change', async () => {
    await clients.apps.createNamespacedDeployment({ namespace: 'dc', body: { ...appDeployment('dc'), metadata: { name: 'web', namespace: 'dc' } } });
    await eventually('web ready', () => ready('web'));
    await clients.apps.patchNamespacedDeployment({ name: 'web', namespace: 'dc', body: { spec: { replicas: 5 } } }, mergePatchOptions());
    await eventually('web ready at 5 replicas', () => ready('web'));
    expect((await clients.apps.readNamespacedDeployment({ name: 'web', namespace: 'dc' })).status?.availableReplicas).toBe(5);
  });

  it('keeps a Deployment unready until released', async () => {
    sim.keepUnready('dc', 'slow');
    await clients.apps.createNamespacedDeployment({ namespace: 'dc', body: { ...appDeployment('dc'), metadata: { name: 'slow', namespace: 'dc' } } });
    await eventually('slow observed', async () => (await clients.apps.readNamespacedDeployment({ name: 'slow', namespace: 'dc' })).status?.observedGeneration === 1);
    await new Promise((r) => setTimeout(r, 150));
    expect(await ready('slow')).toBe(false);
    sim.release('dc', 'slow');
    await eventually('slow ready', () => ready('slow'));
  });
});
