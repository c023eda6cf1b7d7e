import { parse as parseYaml } from 'yaml';
import {
  fieldSetOf,
  hasPath,
  isLeaf,
  pathsOf,
  removePath,
  valueAt,
  withoutPath,
  type FieldSet,
} from './field-set.ts';
import { isJsonObject, jsonEqual, type JsonObject } from './json-value.ts';
import { PatchError } from './patch-error.ts';
import { kindTypeName, structPatchMeta, type StructPatchMeta } from './patch-merge-keys.ts';

/** One metadata.managedFields entry. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: FieldSet;
  subresource?: string;
}

export interface ServerSideApplyOptions {
  current: JsonObject | undefined;
  body: string;
  kind: string;
  builtin: boolean;
  fieldManager?: string;
  force?: boolean;
  now: string;
}

// Simplifications against the real structured-merge-diff, on purpose:
// - Conflicts: an applied field conflicts when another managedFields entry (any manager or operation other
//   than this manager's Apply entry) holds exactly that field and the applied value differs from the live
//   one. Same value means shared ownership, as in the real server. With force the field moves to the applier.
// - An object that has no managedFields gets no "before-first-apply" entry, so the first apply never conflicts.
// - Merge keys come from the built-in Go struct tags (patch-merge-keys.ts); custom resources' lists are
//   atomic (x-kubernetes-list-map-keys in their schema is not consulted).
// - A field the manager applied before and omits now is removed unless another entry holds it or something
//   below it; parents it leaves empty are removed too.

/** Applies an `application/apply-patch+yaml` body: create-or-merge, recording field ownership in managedFields. */
export function applyServerSide(opts: ServerSideApplyOptions): JsonObject {
  const manager = opts.fieldManager;
  if (manager === undefined || manager === '') {
    throw new PatchError('BadRequest', 'PATCH with apply-patch content type requires a fieldManager');
  }
  const config = parseConfig(opts.body);
  if (config.kind !== opts.kind) {
    throw new PatchError(
      'BadRequest',
      `the kind in the applied configuration (${String(config.kind)}) does not match the resource kind ${opts.kind}`,
    );
  }
  const meta = opts.builtin ? structPatchMeta(kindTypeName(opts.kind)) : null;
  const live: JsonObject = opts.current === undefined ? {} : structuredClone(opts.current);
  const entries = readManagedFields(live);
  const mine = entries.find((e) => e.manager === manager && e.operation === 'Apply' && e.subresource === undefined);
  const others = entries.filter((e) => e !== mine);
  const applied = fieldSetOf(config, meta);

  const conflicts = findConflicts(applied, others, live, config);
  if (conflicts.length > 0 && !opts.force) throw conflictError(conflicts, String(config.apiVersion));
  for (const { entry, path } of conflicts) entry.fieldsV1 = withoutPath(entry.fieldsV1 ?? {}, path);

  const pruned = removeAbandonedFields(live, mine?.fieldsV1 ?? {}, applied, others);
  const merged = mergeApplied(pruned, config, meta);

  const entry: ManagedFieldsEntry = {
    manager,
    operation: 'Apply',
    apiVersion: String(config.apiVersion),
    time: opts.now,
    fieldsType: 'FieldsV1',
    fieldsV1: applied,
  };
  const kept = others.filter((e) => e.fieldsV1 === undefined || Object.keys(e.fieldsV1).length > 0);
  const metadata = isJsonObject(merged.metadata) ? merged.metadata : {};
  merged.metadata = { ...metadata, managedFields: [...kept, entry] };
  return merged;
}

function parseConfig(body: string): JsonObject {
  let config: unknown;
  try {
    config = parseYaml(body);
  } catch (error) {
    throw new PatchError('BadRequest', `error decoding YAML: ${(error as Error).message}`);
  }
  if (!isJsonObject(config)) throw new PatchError('BadRequest', 'error decoding YAML: the body is not an object');
  if (typeof config.apiVersion !== 'string' || typeof config.kind !== 'string') {
    throw new PatchError('BadRequest', 'apiVersion and kind must be set in an applied configuration');
  }
  if (isJsonObject(config.metadata) && 'managedFields' in config.metadata) {
    const { managedFields: _ignored, ...metadata } = config.metadata;
    return { ...config, metadata };
  }
  return config;
}

function readManagedFields(object: JsonObject): ManagedFieldsEntry[] {
  const metadata = object.metadata;
  if (!isJsonObject(metadata) || !Array.isArray(metadata.managedFields)) return [];
  return (metadata.managedFields as ManagedFieldsEntry[]).map((e) => ({ ...e }));
}

interface Conflict {
  entry: ManagedFieldsEntry;
  path: string[];
}

function findConflicts(applied: FieldSet, others: ManagedFieldsEntry[], live: JsonObject, config: JsonObject): Conflict[] {
  const conflicts: Conflict[] = [];
  for (const path of pathsOf(applied)) {
    if (!isLeaf(applied, path)) continue;
    for (const entry of others) {
      if (entry.fieldsV1 === undefined || !hasPath(entry.fieldsV1, path)) continue;
      if (!jsonEqual(valueAt(live, path), valueAt(config, path))) conflicts.push({ entry, path });
    }
  }
  return conflicts;
}

function conflictError(conflicts: Conflict[], apiVersion: string): PatchError {
  const count = conflicts.length;
  const managers = [...new Set(conflicts.map((c) => c.entry.manager))];
  const lines = conflicts.map((c) => `conflict with "${c.entry.manager}" using ${c.entry.apiVersion ?? apiVersion}: ${describePath(c.path)}`);
  const message =
    count === 1
      ? `Apply failed with 1 conflict: ${lines[0]}`
      : `Apply failed with ${count} conflicts: conflicts with ${managers.map((m) => `"${m}"`).join(', ')}:\n` +
        conflicts.map((c) => `- ${describePath(c.path)}`).join('\n');
  return new PatchError('Conflict', message, {
    causes: conflicts.map((c) => ({
      reason: 'FieldManagerConflict',
      message: `conflict with "${c.entry.manager}" using ${c.entry.apiVersion ?? apiVersion}`,
      field: describePath(c.path),
    })),
  });
}

/** Renders a FieldsV1 path the way conflict messages do: `.spec.template.spec.containers[name="web"].image`. */
export function describePath(path: string[]): string {
  return path
    .map((element) => {
      if (element.startsWith('f:')) return `.${element.slice(2)}`;
      if (element.startsWith('k:')) {
        const key = JSON.parse(element.slice(2)) as JsonObject;
        return `[${Object.entries(key).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
      }
      return `[${element.slice(2)}]`;
    })
    .join('');
}

function removeAbandonedFields(
  live: JsonObject,
  previous: FieldSet,
  applied: FieldSet,
  others: ManagedFieldsEntry[],
): JsonObject {
  let object = live;
  const ownedElsewhere = (path: string[]): boolean =>
    others.some((e) => e.fieldsV1 !== undefined && pathsOf(e.fieldsV1).some((p) => startsWith(p, path)));
  for (const path of pathsOf(previous)) {
    if (hasPath(applied, path) || ownedElsewhere(path)) continue;
    const wholeNode = isLeaf(previous, path) || path[path.length - 1].startsWith('k:');
    if (wholeNode) object = removePath(object, path);
  }
  // A map the manager no longer applies, and that nothing else filled, goes with its last field.
  for (const path of pathsOf(previous).reverse()) {
    if (hasPath(applied, path) || ownedElsewhere(path)) continue;
    const value = valueAt(object, path);
    if (isJsonObject(value) && Object.keys(value).length === 0) object = removePath(object, path);
  }
  return object;
}

function startsWith(path: string[], prefix: string[]): boolean {
  return prefix.length <= path.length && prefix.every((element, i) => path[i] === element);
}

/** Merges an applied configuration into the live object: maps recursively, keyed lists by key, other lists replaced. */
function mergeApplied(live: unknown, config: JsonObject, meta: StructPatchMeta | null): JsonObject {
  const result: JsonObject = isJsonObject(live) ? { ...live } : {};
  for (const [key, value] of Object.entries(config)) {
    const fieldMeta = meta?.[key];
    const childMeta = meta === null ? null : structPatchMeta(fieldMeta?.type);
    if (value === null) {
      delete result[key];
    } else if (isJsonObject(value)) {
      result[key] = mergeApplied(result[key], value, childMeta);
    } else if (Array.isArray(value) && fieldMeta?.merge && Array.isArray(result[key])) {
      result[key] = mergeList(result[key] as unknown[], value, fieldMeta.mergeKey, childMeta);
    } else {
      result[key] = structuredClone(value);
    }
  }
  return result;
}

function mergeList(live: unknown[], applied: unknown[], mergeKey: string | undefined, itemMeta: StructPatchMeta | null): unknown[] {
  const result = [...live];
  for (const item of applied) {
    const index =
      mergeKey !== undefined && isJsonObject(item)
        ? result.findIndex((existing) => isJsonObject(existing) && jsonEqual(existing[mergeKey], item[mergeKey]))
        : result.findIndex((existing) => jsonEqual(existing, item));
    if (index < 0) result.push(structuredClone(item));
    else if (isJsonObject(item)) result[index] = mergeApplied(result[index], item, itemMeta);
  }
  return result;
}
