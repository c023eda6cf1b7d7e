import type { KubernetesObject, V1ConfigMap, V1DaemonSet, V1Deployment, V1Secret, V1Service, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { KubeClients } from '../kube/client.ts';
import { readOptional } from '../kube/create-or-patch.ts';
import { isConfigTracked } from './config-tracking.ts';
import { configMapChecksum, secretChecksum } from './revision.ts';

/** The two kinds of configuration a pod template reads. */
export type ConfigKind = 'configmap' | 'secret';

/**
 * A ConfigMap or Secret as an informer cache keeps it: its metadata and the checksum of its content
 * (configMapChecksum, secretChecksum), never the content itself, which in a cluster is mostly other
 * programs' (Helm's releases, certificates) and can be megabytes per object.
 */
export type ConfigSummary = KubernetesObject & { contentChecksum: string };

/**
 * Where the workload shell reads objects. The controller passes informer caches (no API request per
 * tick); `apiReader` reads straight from the API server for one-off commands and tests.
 */
export interface ClusterReader {
  deployment(namespace: string, name: string): Promise<V1Deployment | undefined>;
  /** A ConfigMap with its content, to copy it; a cache reader asks the API server (only copies need content). */
  configMap(namespace: string, name: string): Promise<V1ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<V1Secret | undefined>;
  /**
   * The content checksum of a ConfigMap or Secret, what a revision tracks; undefined when it does not
   * exist or opted out of tracking (config-tracking.ts).
   */
  trackedConfigChecksum(kind: ConfigKind, namespace: string, name: string): Promise<string | undefined>;
  autoscaler(namespace: string, name: string): Promise<V2HorizontalPodAutoscaler | undefined>;
  /**
   * A Service Kanari manages. A cache may hold only the Services labelled as Kanari's: a miss then means
   * absent or not (yet) Kanari's, and the create that follows finds out which.
   */
  service(namespace: string, name: string): Promise<V1Service | undefined>;
  /** DaemonSet targets and their primaries. */
  daemonSet(namespace: string, name: string): Promise<V1DaemonSet | undefined>;
}

/** A ClusterReader that asks the API server every time. */
export function apiReader(clients: KubeClients): ClusterReader {
  const configMap = (namespace: string, name: string) => readOptional(() => clients.core.readNamespacedConfigMap({ name, namespace }));
  const secret = (namespace: string, name: string) => readOptional(() => clients.core.readNamespacedSecret({ name, namespace }));
  return {
    deployment: (namespace, name) => readOptional(() => clients.apps.readNamespacedDeployment({ name, namespace })),
    configMap,
    secret,
    trackedConfigChecksum: async (kind, namespace, name) => {
      if (kind === 'configmap') {
        const found = await configMap(namespace, name);
        return found && isConfigTracked(found.metadata) ? configMapChecksum(found) : undefined;
      }
      const found = await secret(namespace, name);
      return found && isConfigTracked(found.metadata) ? secretChecksum(found) : undefined;
    },
    autoscaler: (namespace, name) => readOptional(() => clients.autoscaling.readNamespacedHorizontalPodAutoscaler({ name, namespace })),
    service: (namespace, name) => readOptional(() => clients.core.readNamespacedService({ name, namespace })),
    daemonSet: (namespace, name) => readOptional(() => clients.apps.readNamespacedDaemonSet({ name, namespace })),
  };
}

/** Anything with a cache lookup by namespace and name (a ResilientInformer). */
export interface CacheLookup<T> {
  get(namespace: string, name: string): T | undefined;
}

/** A ClusterReader over informer caches: no API request per tick; config content (for copies) from `api`. */
export function cacheReader(
  caches: {
    deployments: CacheLookup<V1Deployment>;
    configMaps: CacheLookup<ConfigSummary>;
    secrets: CacheLookup<ConfigSummary>;
    autoscalers?: CacheLookup<V2HorizontalPodAutoscaler>;
    services: CacheLookup<V1Service>;
    daemonSets?: CacheLookup<V1DaemonSet>;
  },
  api: Pick<ClusterReader, 'configMap' | 'secret'>,
): ClusterReader {
  return {
    deployment: async (namespace, name) => caches.deployments.get(namespace, name),
    configMap: (namespace, name) => api.configMap(namespace, name),
    secret: (namespace, name) => api.secret(namespace, name),
    trackedConfigChecksum: async (kind, namespace, name) => {
      const summary = (kind === 'configmap' ? caches.configMaps : caches.secrets).get(namespace, name);
      return summary && isConfigTracked(summary.metadata) ? summary.contentChecksum : undefined;
    },
    autoscaler: async (namespace, name) => caches.autoscalers?.get(namespace, name),
    service: async (namespace, name) => caches.services.get(namespace, name),
    daemonSet: async (namespace, name) => caches.daemonSets?.get(namespace, name),
  };
}
