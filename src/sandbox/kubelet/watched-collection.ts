/**
 * A cache of one resource kept current by an informer, for the sandbox's kubelet and data plane.
 */
import type { KubeConfig, KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import { ResilientInformer } from '../../kube/informer.ts';
import type { Logger } from '../../log/logger.ts';

/** A live, read-only view of every object of one resource. */
export interface WatchedCollection<T extends KubernetesObject> {
  /** Resolves once the first list has landed in the cache. */
  ready: Promise<void>;
  get(namespace: string | undefined, name: string): T | undefined;
  list(namespace?: string): readonly T[];
  stop(): Promise<void>;
}

/** Options of a watched collection. */
export interface WatchedCollectionOptions<T extends KubernetesObject> {
  kubeConfig: KubeConfig;
  /** The watch path, e.g. `/apis/apps/v1/deployments`. */
  path: string;
  list: () => Promise<KubernetesListObject<T>>;
  /** Called after every add, update or delete, with the object as it now is (or was, for a delete). */
  onChange?: (object: T, deleted: boolean) => void;
  logger?: Logger;
  /** Longest wait between restarts; default 5 s. */
  maxBackoffMs?: number;
}

/** Starts watching; `stop()` it to close the watch connection. */
export function watchCollection<T extends KubernetesObject>(options: WatchedCollectionOptions<T>): WatchedCollection<T> {
  // The controller's informer (restart with backoff, relist) under the small interface the sandbox needs.
  const informer = new ResilientInformer<T>({
    kubeConfig: options.kubeConfig,
    path: options.path,
    list: options.list,
    name: options.path,
    logger: options.logger,
    backoff: { initialMs: 100, maxMs: options.maxBackoffMs ?? 5000 },
  });
  if (options.onChange) informer.onEvent((type, object) => options.onChange!(object, type === 'delete'));
  const ready = informer.start();
  return {
    ready,
    get: (namespace, name) => informer.get(namespace as string, name),
    list: (namespace) => informer.list(namespace),
    stop: () => informer.stop(),
  };
}
