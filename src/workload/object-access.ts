import type { AppsV1Api, CoreV1Api, V1ConfigMap, V1DaemonSet, V1Deployment, V1Secret } from '@kubernetes/client-node';
import type { ObjectOps } from '../kube/create-or-patch.ts';
import { mergePatchOptions } from '../kube/patch.ts';

// The read, create and merge patch of one object of each kind Kanari copies or owns, as createOrPatch takes them.

export function deploymentAccess(apps: AppsV1Api, name: string, namespace: string): ObjectOps<V1Deployment> {
  return {
    read: () => apps.readNamespacedDeployment({ name, namespace }),
    create: (body) => apps.createNamespacedDeployment({ namespace, body }),
    patch: (body) => apps.patchNamespacedDeployment({ name, namespace, body }, mergePatchOptions()),
  };
}

export function daemonSetAccess(apps: AppsV1Api, name: string, namespace: string): ObjectOps<V1DaemonSet> {
  return {
    read: () => apps.readNamespacedDaemonSet({ name, namespace }),
    create: (body) => apps.createNamespacedDaemonSet({ namespace, body }),
    patch: (body) => apps.patchNamespacedDaemonSet({ name, namespace, body }, mergePatchOptions()),
  };
}

export function configMapAccess(core: CoreV1Api, name: string, namespace: string): ObjectOps<V1ConfigMap> {
  return {
    read: () => core.readNamespacedConfigMap({ name, namespace }),
    create: (body) => core.createNamespacedConfigMap({ namespace, body }),
    patch: (body) => core.patchNamespacedConfigMap({ name, namespace, body }, mergePatchOptions()),
  };
}

export function secretAccess(core: CoreV1Api, name: string, namespace: string): ObjectOps<V1Secret> {
  return {
    read: () => core.readNamespacedSecret({ name, namespace }),
    create: (body) => core.createNamespacedSecret({ namespace, body }),
    patch: (body) => core.patchNamespacedSecret({ name, namespace, body }, mergePatchOptions()),
  };
}
