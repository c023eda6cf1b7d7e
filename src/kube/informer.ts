import { ListWatch, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../log/logger.ts';
import { statusCodeOf } from './api-errors.ts';
import { JitteredBackoff } from './backoff.ts';
import { ObjectIndex, type IndexFunction } from './object-index.ts';
import { ObservedWatch } from './observed-watch.ts';

/** One page of a paginated list: client-node's list calls take these as `limit` and `_continue`. */
export interface ListPage {
  limit?: number;
  _continue?: string;
}

const INFORMER_MAX_BACKOFF_MS = 3_000;

/** What happened to a cached object. */
export type InformerEventType = 'add' | 'update' | 'delete';

/** Options of a ResilientInformer. */
export interface ResilientInformerOptions<T extends KubernetesObject> {
  kubeConfig: KubeConfig;
  /** Collection path, e.g. `/apis/apps/v1/deployments` or `/api/v1/namespaces/ns/configmaps`. */
  path: string;
  /** Lists the same collection (a client-node list call), one page when `page` is given. */
  list: (page: ListPage) => Promise<KubernetesListObject<T>>;
  labelSelector?: string;
  /**
   * Applied to every object on its way into the cache (listed or watched), to keep only the fields that
   * are read (see field-selection.ts). The cache then holds the transformed copy and nothing else.
   */
  transform?: (obj: T) => T;
  /** Secondary indexes by name, kept up to date before listeners are called; see `byIndex`. */
  indexes?: Record<string, IndexFunction<T>>;
  /**
   * List in pages of this many objects (limit/continue), so a relist of thousands holds one page of
   * raw JSON at a time rather than the whole collection; default 500, 0 lists in one request.
   */
  pageSize?: number;
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
  readonly #indexes = new Map<string, ObjectIndex<T>>();
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
      transform: options.transform as ((obj: unknown) => unknown) | undefined,
    });
    for (const [name, valuesOf] of Object.entries(options.indexes ?? {})) this.#indexes.set(name, new ObjectIndex(valuesOf));
    const list = async () => {
      const result = await this.#listAll();
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
        for (const index of this.#indexes.values()) {
          if (type === 'delete') index.delete(obj);
          else index.set(obj);
        }
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
    // Jittered by up to a tenth, so the informers started together do not all relist at the same moment.
    const random = this.#options.random ?? Math.random;
    if (relist > 0) this.#timers.push(setInterval(() => this.#relist('periodic relist'), Math.round(relist * (0.9 + 0.2 * random()))));
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

  /** Cached objects indexed under `value` in `namespace` by the index `name` (given in the options). */
  byIndex(name: string, namespace: string, value: string): T[] {
    const index = this.#indexes.get(name);
    if (!index) throw new Error(`informer ${this.#name()} has no index "${name}"`);
    const found: T[] = [];
    for (const key of index.keys(namespace, value)) {
      const slash = key.indexOf('/');
      const obj = this.get(key.slice(0, slash), key.slice(slash + 1));
      if (obj) found.push(obj);
    }
    return found;
  }

  /** Subscribes to cache changes; returns the unsubscribe function. */
  onEvent(listener: (type: InformerEventType, obj: T) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * The whole collection, page by page, each object transformed as its page arrives. An object the cache
   * holds at the same resourceVersion is kept as it is: a relist of thousands then holds one page of new
   * objects at a time instead of a second copy of the cache, and does not transform again what did not
   * change.
   */
  async #listAll(): Promise<KubernetesListObject<T>> {
    const { list, transform } = this.#options;
    const limit = this.#options.pageSize ?? 500;
    const kept = (item: T): T => {
      const cached = this.#listWatch.get(item.metadata?.name ?? '', item.metadata?.namespace);
      const version = cached?.metadata?.resourceVersion;
      if (version !== undefined && version === item.metadata?.resourceVersion) return cached!;
      return transform ? transform(item) : item;
    };
    const first = await list(limit > 0 ? { limit } : {});
    const items = first.items.map(kept);
    // Every page answers at the first page's resourceVersion; the watch resumes from there.
    for (let token = continueToken(first); token; ) {
      const page = await list({ limit, _continue: token });
      for (const item of page.items) items.push(kept(item));
      token = continueToken(page);
    }
    return { ...first, metadata: { ...first.metadata, _continue: undefined, continue: undefined } as typeof first.metadata, items };
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

/** The continue token of a list page: `_continue` from client-node's typed models, `continue` in raw JSON. */
function continueToken(list: KubernetesListObject<KubernetesObject>): string | undefined {
  const metadata = list.metadata as { _continue?: string; continue?: string } | undefined;
  return metadata?._continue || metadata?.continue || undefined;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
