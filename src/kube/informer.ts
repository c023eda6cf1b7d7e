import { ListWatch, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../log/logger.ts';
import { statusCodeOf } from './api-errors.ts';
import { JitteredBackoff } from './backoff.ts';
import { ObservedWatch } from './observed-watch.ts';

const INFORMER_MAX_BACKOFF_MS = 3_000;

/** What happened to a cached object. */
export type InformerEventType = 'add' | 'update' | 'delete';

/** Options of a ResilientInformer. */
export interface ResilientInformerOptions<T extends KubernetesObject> {
  kubeConfig: KubeConfig;
  /** Collection path, e.g. `/apis/apps/v1/deployments` or `/api/v1/namespaces/ns/configmaps`. */
  path: string;
  /** Lists the same collection (a client-node list call). */
  list: () => Promise<KubernetesListObject<T>>;
  labelSelector?: string;
  /** For logs: which resource this is. */
  name?: string;
  logger?: Logger;
  /**
   * Restart delays after errors (default 500 ms doubling to 3 s, jittered). The ceiling bounds how long
   * after an API server comes back the cache notices: a few seconds, whatever the outage lasted.
   */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Relist everything this often, to heal any missed event (default 5 min; 0 disables). */
  relistIntervalMs?: number;
  /** Restart a stream that sent no event and no bookmark for this long (default 60 s; 0 disables). */
  watchdogMs?: number;
  random?: () => number;
}

/**
 * An informer that stays up: client-node's ListWatch (which reconnects only on clean close and 410)
 * plus restart on any error with jittered backoff, periodic relist, a watchdog for silent streams,
 * `healthy()` for /readyz and typed cache getters. Callbacks fire synchronously and are not awaited,
 * so consumers hand keys to a KeyedWorkQueue instead of doing I/O in them.
 */
export class ResilientInformer<T extends KubernetesObject> {
  readonly #options: ResilientInformerOptions<T>;
  readonly #watch: ObservedWatch;
  readonly #listWatch: ListWatch<T>;
  readonly #backoff: JitteredBackoff;
  readonly #listeners = new Set<(type: InformerEventType, obj: T) => void>();
  readonly #recoveryListeners = new Set<() => void>();
  #synced = false;
  #failing = false;
  #stopped = true;
  #lastActivity = 0;
  #restarts = 0;
  #timers: NodeJS.Timeout[] = [];
  #restartTimer: NodeJS.Timeout | undefined;
  #firstSync: { promise: Promise<void>; resolve: () => void };

  constructor(options: ResilientInformerOptions<T>) {
    this.#options = options;
    this.#backoff = new JitteredBackoff({ ...options.backoff, maxMs: options.backoff?.maxMs ?? INFORMER_MAX_BACKOFF_MS, random: options.random });
    this.#watch = new ObservedWatch(options.kubeConfig, {
      onActivity: () => this.#markActive(),
      onConnected: () => this.#markActive(),
    });
    const list = async () => {
      const result = await options.list();
      // ListWatch fills its cache synchronously right after this promise settles; setImmediate runs after that.
      setImmediate(() => {
        this.#synced = true;
        this.#markActive();
        this.#firstSync.resolve();
      });
      return result;
    };
    this.#listWatch = new ListWatch<T>(options.path, this.#watch, list, false, options.labelSelector);
    for (const type of ['add', 'update', 'delete'] as const) {
      this.#listWatch.on(type, (obj: T) => {
        for (const listener of this.#listeners) listener(type, obj);
      });
    }
    this.#listWatch.on('error', (err?: unknown) => this.#onError(err));
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.#firstSync = { promise, resolve };
  }

  /** Starts listing and watching; resolves once the cache holds a full list (retrying until it does). */
  async start(): Promise<void> {
    if (!this.#stopped) return this.#firstSync.promise;
    this.#stopped = false;
    this.#lastActivity = Date.now();
    const relist = this.#options.relistIntervalMs ?? 300_000;
    if (relist > 0) this.#timers.push(setInterval(() => this.#relist('periodic relist'), relist));
    const watchdog = this.#options.watchdogMs ?? 60_000;
    if (watchdog > 0) this.#timers.push(setInterval(() => this.#checkWatchdog(watchdog), Math.max(50, Math.floor(watchdog / 4))));
    for (const timer of this.#timers) timer.unref();
    void this.#listWatch.start();
    return this.#firstSync.promise;
  }

  /** Stops watching and every timer; the cache stays readable. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    this.#restartTimer = undefined;
    await this.#listWatch.stop();
    this.#firstSync.resolve();
  }

  /** Synced at least once and not currently failing: what /readyz reports. */
  healthy(): boolean {
    return this.#synced && !this.#failing && !this.#stopped;
  }

  /** Whether the cache has held a full list at least once. */
  hasSynced(): boolean {
    return this.#synced;
  }

  /** How many times the informer restarted (errors, watchdog, relists); for logs and tests. */
  restarts(): number {
    return this.#restarts;
  }

  /** One cached object. */
  get(namespace: string, name: string): T | undefined {
    return this.#listWatch.get(name, namespace);
  }

  /** Cached objects, of one namespace or all. */
  list(namespace?: string): readonly T[] {
    return this.#listWatch.list(namespace);
  }

  /** Cached objects whose labels include every pair of `selector`. */
  byLabels(selector: Record<string, string>, namespace?: string): T[] {
    const pairs = Object.entries(selector);
    return this.list(namespace).filter((obj) => pairs.every(([k, v]) => obj.metadata?.labels?.[k] === v));
  }

  /** Subscribes to cache changes; returns the unsubscribe function. */
  onEvent(listener: (type: InformerEventType, obj: T) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Subscribes to recoveries: the stream is back after failing (the API server returned); returns the unsubscribe function. */
  onRecovery(listener: () => void): () => void {
    this.#recoveryListeners.add(listener);
    return () => this.#recoveryListeners.delete(listener);
  }

  #markActive(): void {
    this.#lastActivity = Date.now();
    if (this.#failing && this.#synced) {
      this.#failing = false;
      this.#options.logger?.info({ resource: this.#name() }, 'informer recovered');
      for (const listener of this.#recoveryListeners) listener();
    }
    this.#backoff.reset();
  }

  #onError(err: unknown): void {
    if (this.#stopped) return;
    this.#failing = true;
    const delay = this.#backoff.next();
    this.#restarts++;
    this.#options.logger?.warn({ resource: this.#name(), status: statusCodeOf(err), err: errorMessage(err), retryInMs: delay }, 'informer failed; restarting');
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      if (!this.#stopped) void this.#listWatch.start();
    }, delay);
  }

  #relist(why: string): void {
    if (this.#stopped) return;
    if (this.#watch.forceRelist()) {
      this.#restarts++;
      this.#options.logger?.debug({ resource: this.#name(), why }, 'informer relisting');
    }
  }

  #checkWatchdog(limitMs: number): void {
    if (this.#stopped || !this.#watch.connected()) return;
    const silentFor = Date.now() - this.#lastActivity;
    if (silentFor < limitMs) return;
    this.#options.logger?.warn({ resource: this.#name(), silentForMs: silentFor }, 'watch stream silent (no event, no bookmark); restarting it');
    this.#lastActivity = Date.now();
    this.#relist('watchdog');
  }

  #name(): string {
    return this.#options.name ?? this.#options.path;
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
