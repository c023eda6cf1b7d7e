import { randomUUID } from 'node:crypto';
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  invalid,
  notFound,
  type StatusCause,
} from './api-error.ts';
import { validateBuiltin } from './builtin-validation.ts';
import { crdServedStatus } from './crd-defaults.ts';
import { typesServedByCrd, validateCrd } from './crd-serving.ts';
import type { Faults } from './faults.ts';
import { GarbageCollector } from './garbage-collector.ts';
import { clone, jsonEqual, metadataOf, readPath, withoutTypeMeta, writePath, type JsonObject } from './json.ts';
import { listObjects, type ListOptions } from './list-query.ts';
import { generatedName, rfc3339, validateObjectName } from './object-metadata.ts';
import type { ObjectStore } from './object-store.ts';
import { applyPatch, PatchError } from './patch/index.ts';
import { requestedReplicas, scaleOf } from './scale-subresource.ts';
import type { ResourceRegistry } from './resource-registry.ts';
import { apiVersionOf, groupResourceKey, type DefaultingContext, type ResourceType } from './resource-type.ts';
import { admitCustomResource } from './structural-schema.ts';

/** Which object or collection a request addresses. */
export interface RequestTarget {
  type: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

export interface WriteOptions {
  dryRun: boolean;
  fieldManager: string | undefined;
  force: boolean;
}

export interface DeleteOptions {
  dryRun: boolean;
  propagationPolicy: string | undefined;
  preconditions: { uid?: string; resourceVersion?: string } | undefined;
}

export type { ListOptions } from './list-query.ts';

/** The answer of a write: the HTTP code (200/201) and the body. */
export interface WriteResult {
  code: number;
  body: JsonObject;
}

const namespaceType = { group: '', plural: 'namespaces', kind: 'Namespace' };

/**
 * The semantics of the Kubernetes API on top of the store: admission (defaults, pruning, validation),
 * resourceVersion preconditions, generation, the status and scale subresources, finalizers, cascading
 * deletion and namespace lifecycle, CRDs that (re)serve their resources.
 */
export class ResourceService {
  readonly store: ObjectStore;
  readonly registry: ResourceRegistry;
  private readonly faults: Faults;
  private readonly now: () => Date;
  private nextClusterIp = 10;
  private readonly defaulting: DefaultingContext;
  private readonly gc: GarbageCollector;

  constructor(store: ObjectStore, registry: ResourceRegistry, faults: Faults, now: () => Date = () => new Date()) {
    this.store = store;
    this.registry = registry;
    this.faults = faults;
    this.now = now;
    this.defaulting = { allocateClusterIp: () => this.allocateClusterIp() };
    this.gc = new GarbageCollector(store, registry, now);
    store.subscribeAll((e) => {
      if (e.type === 'DELETED') setImmediate(() => this.gc.afterRemoval(e.collection, e.object));
    });
  }

  /** Serves every CRD in the store (after loading a snapshot). */
  serveStoredCrds(): void {
    for (const crd of this.store.list('customresourcedefinitions.apiextensions.k8s.io')) {
      this.registry.serveCrd(String(metadataOf(crd).name), typesServedByCrd(crd));
    }
    for (const svc of this.store.list('services.')) {
      const ip = readPath(svc, '.spec.clusterIP');
      const last = typeof ip === 'string' ? Number(ip.split('.')[3]) + Number(ip.split('.')[2]) * 256 : 0;
      if (Number.isFinite(last) && last >= this.nextClusterIp) this.nextClusterIp = last + 1;
    }
  }

  /** A stored object as the requested version shows it: apiVersion and kind first. */
  present(type: ResourceType, obj: JsonObject): JsonObject {
    const { apiVersion: _a, kind: _k, ...rest } = obj;
    return { apiVersion: apiVersionOf(type), kind: type.kind, ...rest };
  }

  /** GET of one object (or its status/scale). */
  get(t: RequestTarget): JsonObject {
    const obj = this.mustGet(t);
    if (t.subresource === 'scale') return scaleOf(t.type, obj);
    return this.present(t.type, obj);
  }

  /** The stored object a request names (404 when there is none), as the store holds it. */
  getStored(t: RequestTarget): JsonObject {
    return this.mustGet(t);
  }

  /** LIST: filtered by selectors, in key order, paged by limit/continue; `raw` keeps the stored objects. */
  list(t: RequestTarget, opts: ListOptions, raw = false): JsonObject {
    return listObjects(this.store, t.type, t.namespace, opts, (obj) => (raw ? obj : t.type.builtin ? withoutTypeMeta(obj) : this.present(t.type, obj)));
  }

  /** POST: a new object, named (or generated), defaulted, validated, stored. */
  create(t: RequestTarget, body: JsonObject, opts: WriteOptions): WriteResult {
    const obj = clone(body);
    this.checkTypeMeta(t.type, obj);
    const md = metadataOf(obj);
    if (t.type.namespaced) {
      if (md.namespace !== undefined && md.namespace !== '' && md.namespace !== t.namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      md.namespace = t.namespace;
      this.requireActiveNamespace(t.namespace as string, t.type, md);
    } else {
      delete md.namespace;
    }
    if ((md.name === undefined || md.name === '') && typeof md.generateName === 'string' && md.generateName !== '') {
      md.name = generatedName(md.generateName);
    }
    if (typeof md.name !== 'string' || md.name === '') {
      throw invalid(t.type, '', [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }]);
    }
    if (this.store.get(groupResourceKey(t.type), t.namespace, md.name)) throw alreadyExists(t.type, md.name);
    const now = rfc3339(this.now());
    md.uid = randomUUID();
    md.creationTimestamp = now;
    delete md.resourceVersion;
    delete md.deletionTimestamp;
    delete md.deletionGracePeriodSeconds;
    delete md.selfLink;
    if (t.type.hasGeneration) md.generation = 1;
    else delete md.generation;
    if (t.type.hasStatus) delete obj.status;
    this.admit(t.type, obj, md.name);
    if (t.type.kind === 'CustomResourceDefinition' && t.type.group === 'apiextensions.k8s.io') obj.status = crdServedStatus(obj, now);
    if (opts.dryRun) return { code: 201, body: this.present(t.type, obj) };
    const stored = this.store.put(groupResourceKey(t.type), obj);
    this.afterWrite(t.type, stored);
    return { code: 201, body: this.present(t.type, stored) };
  }

  /** PUT of an object, its status or its scale. */
  update(t: RequestTarget, body: JsonObject, opts: WriteOptions): WriteResult {
    const old = this.mustGet(t);
    if (t.subresource === 'scale') return this.writeScale(t, old, body, opts);
    const md = metadataOf(body);
    if (md.name !== undefined && md.name !== t.name) {
      throw badRequest(`the name of the object (${String(md.name)}) does not match the name on the URL (${String(t.name)})`);
    }
    if (t.type.namespaced && md.namespace !== undefined && md.namespace !== '' && md.namespace !== t.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    this.checkTypeMeta(t.type, clone(body));
    return this.replace(t, old, body, opts);
  }

  /** PATCH of an object, its status or its scale, in any of the four patch types. */
  patch(t: RequestTarget, contentType: string, body: string, opts: WriteOptions): WriteResult {
    const collection = groupResourceKey(t.type);
    const old = this.store.get(collection, t.namespace, t.name as string);
    const isApply = contentType.split(';')[0].trim() === 'application/apply-patch+yaml';
    if (!old && (!isApply || t.subresource !== undefined)) throw notFound(t.type, t.name as string);
    if (isApply && !opts.fieldManager) {
      throw badRequest('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    }
    const current = old === undefined ? undefined : t.subresource === 'scale' ? scaleOf(t.type, old) : this.present(t.type, old);
    let patched: JsonObject;
    try {
      patched = applyPatch({
        contentType,
        current,
        body,
        target: { group: t.type.group, version: t.type.version, kind: t.subresource === 'scale' ? 'Scale' : t.type.kind, builtin: t.type.builtin || t.subresource === 'scale' },
        fieldManager: opts.fieldManager,
        force: opts.force,
        now: rfc3339(this.now()),
      });
    } catch (err) {
      if (err instanceof PatchError) {
        if (err.generic) throw new ApiError(err.code, err.reason, err.message, { causes: err.causes });
        if (err.reason === 'Conflict' || err.reason === 'Invalid') {
          const d = { name: t.name, group: t.type.group || undefined, kind: t.type.kind, causes: err.causes };
          throw new ApiError(err.code, err.reason, err.message, d);
        }
        throw new ApiError(err.code, err.reason, err.message);
      }
      throw err;
    }
    if (!old) {
      const md = metadataOf(patched);
      if (md.name !== undefined && md.name !== t.name) {
        throw badRequest(`the name of the object (${String(md.name)}) does not match the name on the URL (${String(t.name)})`);
      }
      md.name = t.name;
      return this.create({ ...t, name: undefined }, patched, opts);
    }
    if (t.subresource === 'scale') return this.writeScale(t, old, patched, opts);
    const pmd = metadataOf(patched);
    if (pmd.name !== t.name) throw badRequest(`metadata.name: Invalid value: "${String(pmd.name)}": field is immutable`);
    return this.replace(t, old, patched, opts);
  }

  /** DELETE: finalizers turn it into setting deletionTimestamp; otherwise the object goes now. */
  delete(t: RequestTarget, opts: DeleteOptions): WriteResult {
    const old = this.mustGet(t);
    const md = old.metadata as JsonObject;
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== md.uid) {
      throw conflict(t.type, t.name as string, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${String(md.uid)}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== md.resourceVersion) {
      throw conflict(t.type, t.name as string, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${String(md.resourceVersion)}`);
    }
    const collection = groupResourceKey(t.type);
    const finalizers = Array.isArray(md.finalizers) ? md.finalizers : [];
    const isNamespace = t.type.kind === 'Namespace' && t.type.group === '';
    if (opts.dryRun) return { code: 200, body: this.present(t.type, old) };
    if (opts.propagationPolicy === 'Orphan') this.gc.orphanDependents(String(md.uid));
    if (finalizers.length > 0 || isNamespace) {
      if (md.deletionTimestamp) return { code: 202, body: this.present(t.type, old) };
      const next = clone(old);
      const nmd = next.metadata as JsonObject;
      nmd.deletionTimestamp = rfc3339(this.now());
      nmd.deletionGracePeriodSeconds = 0;
      if (isNamespace) (next.status as JsonObject).phase = 'Terminating';
      const stored = this.store.put(collection, next);
      if (t.type.kind === 'CustomResourceDefinition') this.afterWrite(t.type, stored);
      if (isNamespace) setImmediate(() => this.gc.drainNamespace(String(md.name)));
      return { code: isNamespace ? 200 : 200, body: this.present(t.type, stored) };
    }
    const gone = this.store.remove(collection, old);
    if (t.type.returnsDeletedObject) return { code: 200, body: this.present(t.type, gone) };
    const details: JsonObject = { name: md.name };
    if (t.type.group !== '') details.group = t.type.group;
    details.kind = t.type.plural;
    details.uid = md.uid;
    return { code: 200, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details } };
  }

  /** DELETE on a collection: deletes each selected object, answers the list of what it deleted. */
  deleteCollection(t: RequestTarget, list: ListOptions, opts: DeleteOptions): JsonObject {
    const selected = this.list(t, { ...list, limit: undefined, continueToken: null });
    const items: JsonObject[] = [];
    for (const item of selected.items as JsonObject[]) {
      const name = String((item.metadata as JsonObject).name);
      const ns = (item.metadata as JsonObject).namespace as string | undefined;
      try {
        items.push(this.delete({ ...t, namespace: ns, name, subresource: undefined }, opts).body);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
      }
    }
    return { kind: t.type.listKind, apiVersion: apiVersionOf(t.type), metadata: { resourceVersion: String(this.store.resourceVersion) }, items };
  }

  private mustGet(t: RequestTarget): JsonObject {
    const obj = this.store.get(groupResourceKey(t.type), t.namespace, t.name as string);
    if (!obj) throw notFound(t.type, t.name as string);
    return obj;
  }

  private checkTypeMeta(type: ResourceType, obj: JsonObject): void {
    const expected = apiVersionOf(type);
    if (obj.apiVersion !== undefined && obj.apiVersion !== expected) {
      throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${expected})`);
    }
    if (obj.kind !== undefined && obj.kind !== type.kind) {
      throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${type.kind})`);
    }
  }

  private requireActiveNamespace(namespace: string, type: ResourceType, md: JsonObject): void {
    const ns = this.store.get('namespaces.', undefined, namespace);
    if (!ns) throw notFound(namespaceType, namespace);
    if ((ns.metadata as JsonObject).deletionTimestamp) {
      throw forbidden(`${type.plural}${type.group ? '.' + type.group : ''} "${String(md.name ?? md.generateName ?? '')}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, type, String(md.name ?? ''));
    }
  }

  /** Defaulting, pruning and validation, in the order the real server runs them. */
  private admit(type: ResourceType, obj: JsonObject, name: string, old?: JsonObject): void {
    obj.apiVersion = apiVersionOf(type);
    obj.kind = type.kind;
    const causes: StatusCause[] = [];
    const md = metadataOf(obj);
    const rule = type.group === 'rbac.authorization.k8s.io' ? 'path-segment' : type.kind === 'Namespace' || type.kind === 'Service' ? 'label' : 'subdomain';
    if (typeof md.name === 'string') causes.push(...validateObjectName(md.name, rule));
    if (type.builtin) {
      type.defaulter?.(obj, this.defaulting);
      causes.push(...validateBuiltin(type.kind, obj));
      if (type.kind === 'CustomResourceDefinition') causes.push(...validateCrd(obj));
    } else {
      causes.push(...admitCustomResource(type.schema, obj, type.celRules, old));
    }
    if (causes.length > 0) throw invalid(type, name, causes);
  }

  /** The common tail of PUT and PATCH: preconditions, subresource split, generation, no-op detection. */
  private replace(t: RequestTarget, old: JsonObject, incoming: JsonObject, opts: WriteOptions): WriteResult {
    const type = t.type;
    const oldMd = old.metadata as JsonObject;
    const inMd = metadataOf(incoming);
    if (inMd.resourceVersion !== undefined && inMd.resourceVersion !== '' && inMd.resourceVersion !== oldMd.resourceVersion) {
      throw conflict(type, t.name as string);
    }
    if (this.faults.takeConflict()) throw conflict(type, t.name as string);
    let next: JsonObject;
    if (t.subresource === 'status') {
      // Only status (and labels/annotations) may change through /status; everything else is ignored.
      next = clone(old);
      next.status = clone(incoming.status);
      const md = next.metadata as JsonObject;
      for (const key of ['labels', 'annotations']) {
        if (inMd[key] === undefined) delete md[key];
        else md[key] = clone(inMd[key]);
      }
      if (next.status === undefined) delete next.status;
    } else {
      next = clone(incoming);
      const md = metadataOf(next);
      if (type.hasStatus) {
        if (old.status === undefined) delete next.status;
        else next.status = clone(old.status);
      }
      // Fields the client cannot change through an update.
      for (const key of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'namespace', 'name']) {
        if (oldMd[key] === undefined) delete md[key];
        else md[key] = oldMd[key];
      }
      if (oldMd.deletionTimestamp && Array.isArray(md.finalizers)) {
        const before = new Set(Array.isArray(oldMd.finalizers) ? oldMd.finalizers : []);
        const added = (md.finalizers as unknown[]).filter((f) => !before.has(f));
        if (added.length > 0) {
          throw invalid(type, t.name as string, [{ reason: 'FieldValueForbidden', message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`, field: 'metadata.finalizers' }]);
        }
      }
    }
    this.admit(type, next, t.name as string, old);
    const md = next.metadata as JsonObject;
    if (type.hasGeneration && specChanged(old, next, type.hasStatus)) md.generation = Number(oldMd.generation ?? 0) + 1;
    if (type.kind === 'CustomResourceDefinition' && type.group === 'apiextensions.k8s.io' && t.subresource !== 'status') {
      next.status = crdServedStatus(next, rfc3339(this.now()));
    }
    md.resourceVersion = oldMd.resourceVersion;
    if (jsonEqual(withoutManagedTimes(next), withoutManagedTimes(this.present(type, old)))) return { code: 200, body: this.present(type, old) };
    if (opts.dryRun) return { code: 200, body: this.present(type, next) };
    const collection = groupResourceKey(type);
    const finalizers = Array.isArray(md.finalizers) ? md.finalizers : [];
    if (md.deletionTimestamp && finalizers.length === 0 && !(type.kind === 'Namespace' && type.group === '')) {
      const gone = this.store.remove(collection, next);
      return { code: 200, body: this.present(type, gone) };
    }
    const stored = this.store.put(collection, next);
    this.afterWrite(type, stored);
    if (type.kind === 'Namespace' && type.group === '' && md.deletionTimestamp) setImmediate(() => this.gc.drainNamespace(String(md.name)));
    return { code: 200, body: this.present(type, stored) };
  }

  private writeScale(t: RequestTarget, old: JsonObject, scale: JsonObject, opts: WriteOptions): WriteResult {
    const paths = t.type.scale;
    if (!paths) throw notFound(t.type, t.name as string);
    const replicas = requestedReplicas(t.name, scale);
    const next = this.present(t.type, clone(old));
    writePath(next, paths.specReplicasPath, replicas);
    const smd = metadataOf(scale);
    (next.metadata as JsonObject).resourceVersion = smd.resourceVersion ?? (old.metadata as JsonObject).resourceVersion;
    const result = this.replace({ ...t, subresource: undefined }, old, next, opts);
    return { code: result.code, body: scaleOf(t.type, result.body) };
  }

  private afterWrite(type: ResourceType, stored: JsonObject): void {
    if (type.kind === 'CustomResourceDefinition' && type.group === 'apiextensions.k8s.io') {
      this.registry.serveCrd(String(metadataOf(stored).name), typesServedByCrd(stored));
      if (metadataOf(stored).deletionTimestamp) setImmediate(() => this.gc.drainCrd(stored));
    }
  }

  private allocateClusterIp(): string {
    const n = this.nextClusterIp++;
    return `10.96.${Math.floor(n / 256) % 256}.${n % 256}`;
  }
}

function withoutManagedTimes(obj: JsonObject): JsonObject {
  const md = obj.metadata as JsonObject;
  if (!Array.isArray(md.managedFields)) return obj;
  return { ...obj, metadata: { ...md, managedFields: md.managedFields.map((m: JsonObject) => ({ ...m, time: undefined })) } };
}

/** Whether anything outside metadata (and status, when it is a subresource) changed. */
function specChanged(old: JsonObject, next: JsonObject, statusIsSubresource: boolean): boolean {
  const keys = new Set([...Object.keys(old), ...Object.keys(next)]);
  for (const k of keys) {
    if (k === 'metadata' || k === 'apiVersion' || k === 'kind' || (statusIsSubresource && k === 'status')) continue;
    if (!jsonEqual(old[k], next[k])) return true;
  }
  return false;
}
