import { metadataOf, type JsonObject } from './json.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One committed change, kept in the history window so watches can resume from a resourceVersion. */
export interface StoreEvent {
  type: WatchEventType;
  resourceVersion: number;
  collection: string;
  object: JsonObject;
  /** The object before the change, so a watch can tell when it left or entered a selector. */
  previous: JsonObject | undefined;
  /** Serialised forms per apiVersion, built once and shared by every watcher. */
  encoded?: Map<string, Buffer>;
}

export type StoreListener = (event: StoreEvent) => void;

/** The persisted form of the store. */
export interface StoreSnapshot {
  resourceVersion: number;
  objects: { collection: string; object: JsonObject }[];
}

/** "namespace/name", or "/name" for cluster-scoped objects. */
export function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/**
 * The etcd of the sandbox: objects per collection (group + resource), ONE global resourceVersion counter,
 * and a bounded window of past changes. Stored objects are never mutated in place: every write stores a
 * new object, so readers and history entries can share them safely.
 */
export class ObjectStore {
  private readonly collections = new Map<string, Map<string, JsonObject>>();
  private readonly sortedKeys = new Map<string, string[]>();
  private readonly listeners = new Map<string, Set<StoreListener>>();
  private readonly anyListeners = new Set<StoreListener>();
  private history: StoreEvent[] = [];
  private historyStart = 0;
  private readonly historyLimit: number;
  private revision = 0;
  private compacted = 0;

  constructor(historyLimit = 10_000) {
    this.historyLimit = historyLimit;
  }

  /** The resourceVersion of the latest change. */
  get resourceVersion(): number {
    return this.revision;
  }

  /** Watches from a resourceVersion older than this answer 410 Gone. */
  get oldestResumableVersion(): number {
    return Math.max(this.compacted, this.history.length > this.historyStart ? this.history[this.historyStart].resourceVersion - 1 : this.revision);
  }

  /** One object, or undefined. */
  get(collection: string, namespace: string | undefined, name: string): JsonObject | undefined {
    return this.collections.get(collection)?.get(objectKey(namespace, name));
  }

  /** All objects of a collection (optionally one namespace) in etcd key order. */
  list(collection: string, namespace?: string): JsonObject[] {
    const objects = this.collections.get(collection);
    if (!objects) return [];
    let keys = this.sortedKeys.get(collection);
    if (!keys) {
      keys = [...objects.keys()].sort();
      this.sortedKeys.set(collection, keys);
    }
    if (namespace === undefined) return keys.map((k) => objects.get(k) as JsonObject);
    const prefix = `${namespace}/`;
    const out: JsonObject[] = [];
    let i = lowerBound(keys, prefix);
    for (; i < keys.length && keys[i].startsWith(prefix); i++) out.push(objects.get(keys[i]) as JsonObject);
    return out;
  }

  /** Names of every collection holding objects. */
  collectionNames(): string[] {
    return [...this.collections.keys()];
  }

  /** Stores a new or changed object under a fresh resourceVersion (written into it) and tells watchers. */
  put(collection: string, object: JsonObject): JsonObject {
    const md = metadataOf(object);
    const key = objectKey(md.namespace as string | undefined, md.name as string);
    let objects = this.collections.get(collection);
    if (!objects) {
      objects = new Map();
      this.collections.set(collection, objects);
    }
    const previous = objects.get(key);
    md.resourceVersion = String(++this.revision);
    if (!previous) this.sortedKeys.delete(collection);
    objects.set(key, object);
    this.record({ type: previous ? 'MODIFIED' : 'ADDED', resourceVersion: this.revision, collection, object, previous });
    return object;
  }

  /** Removes an object; the DELETED event carries it with a fresh resourceVersion, as etcd reports it. */
  remove(collection: string, object: JsonObject): JsonObject {
    const md = metadataOf(object);
    const key = objectKey(md.namespace as string | undefined, md.name as string);
    const objects = this.collections.get(collection);
    const previous = objects?.get(key);
    if (!objects || !previous) return object;
    objects.delete(key);
    this.sortedKeys.delete(collection);
    const gone = { ...previous, metadata: { ...(previous.metadata as JsonObject), resourceVersion: String(++this.revision) } };
    this.record({ type: 'DELETED', resourceVersion: this.revision, collection, object: gone, previous });
    return gone;
  }

  /** Changes after a resourceVersion in one collection, oldest first (callers check 410 first). */
  eventsSince(collection: string, resourceVersion: number): StoreEvent[] {
    const h = this.history;
    let lo = this.historyStart;
    let hi = h.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (h[mid].resourceVersion <= resourceVersion) lo = mid + 1;
      else hi = mid;
    }
    const out: StoreEvent[] = [];
    for (let i = lo; i < h.length; i++) if (h[i].collection === collection) out.push(h[i]);
    return out;
  }

  /** Forgets all history: every resourceVersion handed out so far becomes too old to watch from. */
  compact(): void {
    this.revision++;
    this.compacted = this.revision;
    this.history = [];
    this.historyStart = 0;
  }

  /** Subscribes to changes in one collection; returns the unsubscribe function. */
  subscribe(collection: string, listener: StoreListener): () => void {
    let set = this.listeners.get(collection);
    if (!set) {
      set = new Set();
      this.listeners.set(collection, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Subscribes to every change (persistence, garbage collection). */
  subscribeAll(listener: StoreListener): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }

  /** The whole store as plain data. */
  snapshot(): StoreSnapshot {
    const objects: StoreSnapshot['objects'] = [];
    for (const [collection, map] of this.collections) for (const object of map.values()) objects.push({ collection, object });
    return { resourceVersion: this.revision, objects };
  }

  /** Replaces the contents with a snapshot; history starts empty at the snapshot's resourceVersion. */
  restore(snapshot: StoreSnapshot): void {
    this.collections.clear();
    this.sortedKeys.clear();
    for (const { collection, object } of snapshot.objects) {
      const md = metadataOf(object);
      let map = this.collections.get(collection);
      if (!map) {
        map = new Map();
        this.collections.set(collection, map);
      }
      map.set(objectKey(md.namespace as string | undefined, md.name as string), object);
    }
    this.revision = snapshot.resourceVersion;
    this.compacted = snapshot.resourceVersion;
    this.history = [];
    this.historyStart = 0;
  }

  private record(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length - this.historyStart > this.historyLimit) {
      this.historyStart++;
      // Shift the array only now and then so trimming stays O(1) amortised.
      if (this.historyStart > this.historyLimit) {
        this.history = this.history.slice(this.historyStart);
        this.historyStart = 0;
      }
    }
    const set = this.listeners.get(event.collection);
    if (set) for (const l of [...set]) l(event);
    for (const l of this.anyListeners) l(event);
  }
}

function lowerBound(keys: string[], target: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
