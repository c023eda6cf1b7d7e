import { clone, isObject, metadataOf, type JsonObject } from './json.ts';
import { rfc3339 } from './object-metadata.ts';
import type { ObjectStore } from './object-store.ts';
import type { ResourceRegistry } from './resource-registry.ts';

/**
 * What happens after objects go, as kube-controller-manager and the apiextensions server do it:
 * background cascading deletion by owner uid (and orphaning), the end of terminating namespaces and
 * CRDs, which take their contents with them. Finalizers are honoured throughout.
 */
export class GarbageCollector {
  private readonly store: ObjectStore;
  private readonly registry: ResourceRegistry;
  private readonly now: () => Date;

  constructor(store: ObjectStore, registry: ResourceRegistry, now: () => Date) {
    this.store = store;
    this.registry = registry;
    this.now = now;
  }

  /** Background cascading deletion, CRD and namespace cleanup, once an object is really gone. */
  afterRemoval(collection: string, gone: JsonObject): void {
    const md = gone.metadata as JsonObject;
    if (collection === 'customresourcedefinitions.apiextensions.k8s.io') {
      this.registry.serveCrd(String(md.name), []);
      this.removeCustomResources(gone);
    }
    const ns = md.namespace as string | undefined;
    if (ns) {
      const namespace = this.store.get('namespaces.', undefined, ns);
      if (namespace && (namespace.metadata as JsonObject).deletionTimestamp) this.finishNamespaceIfEmpty(ns);
    }
    this.collectDependents(String(md.uid));
  }

  private collectDependents(ownerUid: string): void {
    for (const collection of this.store.collectionNames()) {
      for (const obj of this.store.list(collection)) {
        const refs = ((obj.metadata as JsonObject).ownerReferences ?? []) as JsonObject[];
        if (!refs.some((r) => r.uid === ownerUid)) continue;
        const others = refs.filter((r) => r.uid !== ownerUid && this.ownerExists(r, String((obj.metadata as JsonObject).namespace ?? '')));
        if (others.length > 0) {
          const next = clone(obj);
          (next.metadata as JsonObject).ownerReferences = others;
          this.store.put(collection, next);
          continue;
        }
        this.deleteStored(collection, obj);
      }
    }
  }

  private ownerExists(ref: JsonObject, namespace: string): boolean {
    for (const collection of this.store.collectionNames()) {
      for (const candidate of this.store.list(collection)) {
        const md = candidate.metadata as JsonObject;
        if (md.uid === ref.uid && (md.namespace === undefined || md.namespace === namespace)) return true;
      }
    }
    return false;
  }

  /** Removes the owner reference to `ownerUid` from every dependent (deletion with propagationPolicy Orphan). */
  orphanDependents(ownerUid: string): void {
    for (const collection of this.store.collectionNames()) {
      for (const obj of this.store.list(collection)) {
        const refs = ((obj.metadata as JsonObject).ownerReferences ?? []) as JsonObject[];
        if (!refs.some((r) => r.uid === ownerUid)) continue;
        const next = clone(obj);
        const remaining = refs.filter((r) => r.uid !== ownerUid);
        if (remaining.length === 0) delete (next.metadata as JsonObject).ownerReferences;
        else (next.metadata as JsonObject).ownerReferences = remaining;
        this.store.put(collection, next);
      }
    }
  }

  /** Deletes a stored object the way DELETE would: honouring its finalizers. */
  private deleteStored(collection: string, obj: JsonObject): void {
    const md = obj.metadata as JsonObject;
    if (Array.isArray(md.finalizers) && md.finalizers.length > 0) {
      if (md.deletionTimestamp) return;
      const next = clone(obj);
      (next.metadata as JsonObject).deletionTimestamp = rfc3339(this.now());
      (next.metadata as JsonObject).deletionGracePeriodSeconds = 0;
      this.store.put(collection, next);
      return;
    }
    this.store.remove(collection, obj);
  }

  /** Deletes everything in a terminating namespace, then the namespace once it is empty. */
  drainNamespace(namespace: string): void {
    for (const collection of this.store.collectionNames()) {
      if (collection === 'namespaces.') continue;
      for (const obj of this.store.list(collection, namespace)) this.deleteStored(collection, obj);
    }
    this.finishNamespaceIfEmpty(namespace);
  }

  private finishNamespaceIfEmpty(namespace: string): void {
    const ns = this.store.get('namespaces.', undefined, namespace);
    if (!ns) return;
    const md = ns.metadata as JsonObject;
    if (!md.deletionTimestamp || (Array.isArray(md.finalizers) && md.finalizers.length > 0)) return;
    for (const collection of this.store.collectionNames()) {
      if (collection !== 'namespaces.' && this.store.list(collection, namespace).length > 0) return;
    }
    this.store.remove('namespaces.', ns);
  }

  /** Deletes a terminating CRD's objects, then the CRD once no finalizer holds it. */
  drainCrd(crd: JsonObject): void {
    this.removeCustomResources(crd);
    const current = this.store.get('customresourcedefinitions.apiextensions.k8s.io', undefined, String(metadataOf(crd).name));
    const finalizers = current ? ((current.metadata as JsonObject).finalizers as unknown[] | undefined) ?? [] : [];
    if (current && finalizers.length === 0) this.store.remove('customresourcedefinitions.apiextensions.k8s.io', current);
  }

  private removeCustomResources(crd: JsonObject): void {
    const spec = isObject(crd.spec) ? crd.spec : {};
    const plural = isObject(spec.names) ? String(spec.names.plural) : '';
    const collection = `${plural}.${String(spec.group)}`;
    for (const obj of this.store.list(collection)) this.store.remove(collection, obj);
  }
}
