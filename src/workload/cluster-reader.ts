import type { V1ConfigMap, V1DaemonSet, V1Deployment, V1Secret, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { KubeClients } from '../kube/client.ts';
import { readOptional } from '../kube/create-or-patch.ts';

/**
 * Where the workload shell reads objects. The controller passes informer caches (no API request per
 * tick); `apiReader` reads straight from the API server for one-off commands and tests.
 */
export interface ClusterReader {
  deployment(namespace: string, name: string): Promise<V1Deployment | undefined>;
  configMap(namespace: string, name: string): Promise<V1ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<V1Secret | undefined>;
  autoscaler(namespace: string, name: string): Promise<V2HorizontalPodAutoscaler | undefined>;
  /** DaemonSet targets and their primaries. */
  daemonSet(namespace: string, name: string): Promise<V1DaemonSet | undefined>;
}

/** A ClusterReader that asks the API server every time. */
export function apiReader(clients: KubeClients): ClusterReader {
  return {
    deployment: (namespace, name) => readOptional(() => clients.apps.readNamespacedDeployment({ name, namespace })),
    configMap: (namespace, name) => readOptional(() => clients.core.readNamespacedConfigMap({ name, namespace })),
    secret: (namespace, name) => readOptional(() => clients.core.readNamespacedSecret({ name, namespace })),
    autoscaler: (namespace, name) => readOptional(() => clients.autoscaling.readNamespacedHorizontalPodAutoscaler({ name, namespace })),
    daemonSet: (namespace, name) => readOptional(() => clients.apps.readNamespacedDaemonSet({ name, namespace })),
  };
}

/** Anything with a cache lookup by namespace and name (a ResilientInformer). */
export interface CacheLookup<T> {
  get(namespace: string, name: string): T | undefined;
}

/** A ClusterReader over informer caches: no API request per tick. */
export function cacheReader(caches: {
  deployments: CacheLookup<V1Deployment>;
  configMaps: CacheLookup<V1ConfigMap>;
  secrets: CacheLookup<V1Secret>;
  autoscalers?: CacheLookup<V2HorizontalPodAutoscaler>;
  daemonSets?: CacheLookup<V1DaemonSet>;
}): ClusterReader {
  return {
    deployment: async (namespace, name) => caches.deployments.get(namespace, name),
    configMap: async (namespace, name) => caches.configMaps.get(namespace, name),
    secret: async (namespace, name) => caches.secrets.get(namespace, name),
    autoscaler: async (namespace, name) => caches.autoscalers?.get(namespace, name),
    daemonSet: async (namespace, name) => caches.daemonSets?.get(namespace, name),
  };
}
