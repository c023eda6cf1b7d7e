import type { V1DaemonSet } from '@kubernetes/client-node';
import { mergePatchOptions } from '../../../src/kube/patch.ts';
import { NAMESPACE, type EngineHarness } from './engine-harness.ts';

/** A DaemonSet `name` (selector `app: name`) whose container serves http on 9898 and metrics on 9797. */
export async function createDaemonSet(world: EngineHarness, name: string, image: string): Promise<void> {
  const body: V1DaemonSet = {
    metadata: { name, namespace: NAMESPACE, labels: { app: name } },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'agent', image, ports: [{ name: 'http', containerPort: 9898 }, { name: 'metrics', containerPort: 9797 }] }] },
      },
    },
  };
  await world.apps.createNamespacedDaemonSet({ namespace: NAMESPACE, body });
}

/** Ships a new version of a DaemonSet, as `kubectl set image daemonset/...` does. */
export async function setDaemonSetImage(world: EngineHarness, name: string, image: string): Promise<void> {
  const current = await world.apps.readNamespacedDaemonSet({ name, namespace: NAMESPACE });
  const containers = current.spec!.template.spec!.containers.map((c) => ({ ...c, image }));
  await world.apps.patchNamespacedDaemonSet({ name, namespace: NAMESPACE, body: { spec: { template: { spec: { containers } } } } }, mergePatchOptions());
}

/** The image a DaemonSet's pods run. */
export async function daemonSetImage(world: EngineHarness, name: string): Promise<string | undefined> {
  return (await world.apps.readNamespacedDaemonSet({ name, namespace: NAMESPACE })).spec?.template.spec?.containers[0].image;
}

/** Whether any TrafficSplit exists in the namespace: a router that moves no traffic writes none. */
export async function trafficSplitCount(world: EngineHarness): Promise<number> {
  const list = (await world.custom.listNamespacedCustomObject({ group: 'split.smi-spec.io', version: world.splitVersion, namespace: NAMESPACE, plural: 'trafficsplits' })) as { items: unknown[] };
  return list.items.length;
}
