/**
 * A watched cache of one SMI kind (TrafficSplit, HTTPRouteGroup, TrafficTarget) at whichever version
 * the API server prefers. The CRD may be installed after the data plane starts, so discovery retries
 * until the group appears; until then the cache is empty.
 */
import { CustomObjectsApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../../log/logger.ts';
import { kubeGet } from '../../metrics/kube-get.ts';
import { watchCollection, type WatchedCollection } from '../kubelet/watched-collection.ts';

/** A live view of one SMI kind; empty until its group is served. */
export interface SmiResourceWatch<T extends KubernetesObject> {
  get(namespace: string, name: string): T | undefined;
  list(namespace?: string): readonly T[];
  /** Resolves once the kind is served and its first list has landed. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/** Watches every object of `plural` in `group`, across namespaces. */
export function watchSmiResource<T extends KubernetesObject>(kubeConfig: KubeConfig, group: string, plural: string, options: { logger?: Logger; retryMs?: number; onChange?: () => void } = {}): SmiResourceWatch<T> {
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  let collection: WatchedCollection<T> | undefined;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  const discover = async (): Promise<void> => {
    if (stopped) return;
    let version: string | undefined;
    try {
      const answer = await kubeGet(kubeConfig, `/apis/${group}`, { timeoutMilliseconds: 5000 });
      if (answer.status === 200) version = (JSON.parse(answer.body) as { preferredVersion?: { version?: string } }).preferredVersion?.version;
    } catch (error) {
      options.logger?.debug({ group, err: String(error) }, 'SMI discovery failed');
    }
    if (stopped) return;
    if (!version) {
      retryTimer = setTimeout(() => void discover(), options.retryMs ?? 1000);
      return;
    }
    const servedVersion = version;
    collection = watchCollection<T>({
      kubeConfig,
      path: `/apis/${group}/${servedVersion}/${plural}`,
      list: async () => (await custom.listClusterCustomObject({ group, version: servedVersion, plural })) as never,
      onChange: () => options.onChange?.(),
      logger: options.logger,
    });
    await collection.ready;
    markReady();
  };
  void discover();

  return {
    get: (namespace, name) => collection?.get(namespace, name),
    list: (namespace) => collection?.list(namespace) ?? [],
    ready,
    stop: async () => {
      stopped = true;
      clearTimeout(retryTimer);
      await collection?.stop();
    },
  };
}
