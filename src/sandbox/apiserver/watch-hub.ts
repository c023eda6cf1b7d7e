import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FieldSelector } from './field-selector.ts';
import { type JsonObject } from './json.ts';
import type { LabelSelector } from '../../kube/label-selector.ts';
import type { ObjectStore, StoreEvent, WatchEventType } from './object-store.ts';
import { apiVersionOf, groupResourceKey, type ResourceType } from './resource-type.ts';
import type { WatchFraming } from './watch-framing.ts';

/** One watch request, parsed. */
export interface WatchParams {
  type: ResourceType;
  namespace: string | undefined;
  labels: LabelSelector;
  fields: FieldSelector;
  resourceVersion: string | null;
  allowBookmarks: boolean;
  timeoutSeconds: number | undefined;
  /** How events are written (JSON, Table rows or protobuf frames). */
  framing: WatchFraming;
}

type Deliver = (event: StoreEvent) => void;

/** The watchers of one collection, by namespace (or allNamespaces), fed by one store subscription. */
interface CollectionRoute {
  byNamespace: Map<string, Set<Deliver>>;
  unsubscribe: () => void;
}

// Not a valid namespace name, so it cannot collide with one (cluster-scoped objects have namespace '').
const allNamespaces = '*';

interface OpenWatch {
  res: ServerResponse;
  framing: WatchFraming;
  close(): void;
}

/**
 * Streams watch events to every open watch: replay from a resourceVersion (or initial ADDED events),
 * live changes filtered by namespace and selectors, bookmarks, 410 Gone for expired versions and
 * timeoutSeconds. Each event is serialised once per format and apiVersion however many watchers receive it.
 */
export class WatchHub {
  private readonly open = new Set<OpenWatch>();
  private readonly routes = new Map<string, CollectionRoute>();
  private readonly store: ObjectStore;
  private readonly bookmarkIntervalMs: number;

  constructor(store: ObjectStore, bookmarkIntervalMs: number) {
    this.store = store;
    this.bookmarkIntervalMs = bookmarkIntervalMs;
  }

  /** How many watch streams are open. */
  get size(): number {
    return this.open.size;
  }

  /** Serves one watch request until it times out, the client goes away or the server drops it. */
  serve(req: IncomingMessage, res: ServerResponse, p: WatchParams): void {
    const collection = groupResourceKey(p.type);
    const framing = p.framing;
    res.writeHead(200, { 'Content-Type': framing.contentType, 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    // Clients wait for the headers before they consider the watch open; send them now, not with the first event.
    res.flushHeaders();
    const selective = !p.labels.empty || !p.fields.empty;
    const matches = (obj: JsonObject | undefined): boolean => {
      if (!obj) return false;
      const md = obj.metadata as JsonObject;
      if (p.namespace !== undefined && md.namespace !== p.namespace) return false;
      return (p.labels.empty || p.labels.matches(md.labels as Record<string, string> | undefined)) && (p.fields.empty || p.fields.matches(obj));
    };
    const line = (type: WatchEventType, obj: JsonObject): Buffer => framing.stored(type, obj);
    const encode = (event: StoreEvent, type: WatchEventType): Buffer => {
      if (framing.shareKey === undefined) return line(type, event.object);
      const cacheKey = `${framing.shareKey}|${type}`;
      event.encoded ??= new Map();
      let bytes = event.encoded.get(cacheKey);
      if (bytes === undefined) {
        bytes = line(type, event.object);
        event.encoded.set(cacheKey, bytes);
      }
      return bytes;
    };
    const write = (bytes: Buffer): void => {
      res.write(bytes);
    };
    const deliver = (event: StoreEvent): void => {
      let type: WatchEventType | undefined = event.type;
      if (!selective) {
        write(encode(event, type));
        return;
      }
      const now = event.type !== 'DELETED' && matches(event.object);
      const before = event.type !== 'ADDED' && matches(event.previous);
      if (event.type === 'ADDED') type = now ? 'ADDED' : undefined;
      else if (event.type === 'DELETED') type = before ? 'DELETED' : undefined;
      else type = now && before ? 'MODIFIED' : now ? 'ADDED' : before ? 'DELETED' : undefined;
      if (type) write(encode(event, type));
    };

    let unsubscribe = (): void => {};
    let bookmarkTimer: NodeJS.Timeout | undefined;
    let timeoutTimer: NodeJS.Timeout | undefined;
    const watch: OpenWatch = {
      res,
      framing,
      close: () => {
        if (!this.open.delete(watch)) return;
        unsubscribe();
        clearInterval(bookmarkTimer);
        clearTimeout(timeoutTimer);
        if (!res.writableEnded) res.end();
      },
    };
    this.open.add(watch);
    req.on('close', watch.close);
    res.on('close', watch.close);

    const rv = p.resourceVersion;
    if (rv === null || rv === '' || rv === '0') {
      // The initial events (and a replay, below) leave in as few writes as the socket allows.
      res.cork();
      for (const obj of this.store.list(collection, p.namespace)) if (!selective || matches(obj)) write(line('ADDED', obj));
      res.uncork();
    } else {
      const from = Number(rv);
      if (!Number.isInteger(from) || from < 0) {
        res.write(framing.made('ERROR', statusObject(400, 'BadRequest', `invalid resource version: ${rv}`)));
        watch.close();
        return;
      }
      if (from < this.store.oldestResumableVersion) {
        this.sendGone(res, framing, from);
        watch.close();
        return;
      }
      res.cork();
      for (const event of this.store.eventsSince(collection, from)) if (p.namespace === undefined || namespaceOf(event) === p.namespace) deliver(event);
      res.uncork();
    }
    unsubscribe = this.route(collection, p.namespace ?? allNamespaces, deliver);
    if (p.allowBookmarks) {
      bookmarkTimer = setInterval(() => this.bookmark(res, p), this.bookmarkIntervalMs);
      bookmarkTimer.unref();
    }
    if (p.timeoutSeconds !== undefined && p.timeoutSeconds > 0) {
      timeoutTimer = setTimeout(() => {
        if (p.allowBookmarks) this.bookmark(res, p);
        watch.close();
      }, p.timeoutSeconds * 1000);
      timeoutTimer.unref();
    }
  }

  /** Ends every open watch cleanly (clients see the stream close and re-watch); returns how many. */
  dropAll(): number {
    const n = this.open.size;
    for (const w of [...this.open]) w.close();
    return n;
  }

  /** Sends 410 Gone to every open watch and ends it, as after a compaction of the history they need. */
  expireAll(): void {
    for (const w of [...this.open]) {
      this.sendGone(w.res, w.framing, undefined);
      w.close();
    }
  }

  /** Cuts every watch connection without a clean end (the server going down). */
  destroyAll(): void {
    for (const w of [...this.open]) {
      w.res.destroy();
      w.close();
    }
  }

  /**
   * Adds a watcher to its collection's route; a change then reaches only the watchers of its namespace
   * and the all-namespace ones, instead of every watcher of the kind checking it.
   */
  private route(collection: string, namespace: string, deliver: Deliver): () => void {
    let route = this.routes.get(collection);
    if (!route) {
      const byNamespace = new Map<string, Set<Deliver>>();
      const unsubscribe = this.store.subscribe(collection, (event) => {
        const scoped = byNamespace.get(namespaceOf(event));
        if (scoped) for (const d of [...scoped]) d(event);
        const all = byNamespace.get(allNamespaces);
        if (all) for (const d of [...all]) d(event);
      });
      route = { byNamespace, unsubscribe };
      this.routes.set(collection, route);
    }
    let set = route.byNamespace.get(namespace);
    if (!set) {
      set = new Set();
      route.byNamespace.set(namespace, set);
    }
    set.add(deliver);
    const owner = route;
    return () => {
      set.delete(deliver);
      if (set.size > 0) return;
      owner.byNamespace.delete(namespace);
      if (owner.byNamespace.size === 0) {
        owner.unsubscribe();
        this.routes.delete(collection);
      }
    };
  }

  private bookmark(res: ServerResponse, p: WatchParams): void {
    const object = { kind: p.type.kind, apiVersion: apiVersionOf(p.type), metadata: { resourceVersion: String(this.store.resourceVersion) } };
    res.write(p.framing.made('BOOKMARK', object));
  }

  private sendGone(res: ServerResponse, framing: WatchFraming, requested: number | undefined): void {
    const oldest = this.store.oldestResumableVersion;
    const message = requested === undefined ? `too old resource version: ${oldest - 1} (${oldest})` : `too old resource version: ${requested} (${oldest})`;
    res.write(framing.made('ERROR', statusObject(410, 'Expired', message)));
  }
}

/** The namespace of an event's object ('' for cluster-scoped objects). */
function namespaceOf(event: StoreEvent): string {
  return String((event.object.metadata as JsonObject).namespace ?? '');
}

function statusObject(code: number, reason: string, message: string): JsonObject {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}
