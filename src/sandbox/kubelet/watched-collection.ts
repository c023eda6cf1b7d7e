/**
 * A cache of one resource kept current by a client-node informer (list, then watch), restarted with
 * backoff when the informer gives up: client-node 2.x stops on any error other than 410 Gone.
 */
import { makeInformer, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
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
  const informer = makeInformer<T>(options.kubeConfig, options.path, options.list);
  let stopped = false;
  let backoffMs = 100;
  let restartTimer: NodeJS.Timeout | undefined;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  const notify = (deleted: boolean) => (object: T) => options.onChange?.(object, deleted);
  informer.on('add', notify(false));
  informer.on('update', notify(false));
  informer.on('delete', notify(true));
  informer.on('connect', () => {
    backoffMs = 100;
    markReady();
  });
  const restartLater = (error: unknown): void => {
    if (stopped) return;
    options.logger?.warn({ path: options.path, err: String(error) }, 'watch failed; restarting');
    clearTimeout(restartTimer);
    restartTimer = setTimeout(() => {
      if (!stopped) start();
    }, backoffMs);
    backoffMs = Math.min(backoffMs * 2, options.maxBackoffMs ?? 5000);
  };
  informer.on('error', restartLater);
  const start = (): void => {
    informer.start().then(markReady, restartLater);
  };
  start();

  return {
    ready,
    get: (namespace, name) => informer.get(name, namespace),
    list: (namespace) => informer.list(namespace),
    stop: async () => {
      stopped = true;
      clearTimeout(restartTimer);
      await informer.stop();
    },
  };
}
