import { isJsonObject, jsonEqual, type JsonObject } from './json-value.ts';
import { structPatchMeta, type StructPatchMeta } from './patch-merge-keys.ts';

// A field set in the FieldsV1 encoding kube-apiserver stores in managedFields: `f:<field>` for a map field,
// `k:<json of the key fields>` for an item of a keyed list, `v:<json value>` for an item of a set, and
// `.` for "the item itself". Leaves are `{}`.
export type FieldSet = { [pathElement: string]: FieldSet };

// Server-side apply never tracks these: they identify the object or are written by the server.
const SERVER_OWNED_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'selfLink',
  'managedFields',
]);

/** The fields an applied configuration sets, as a FieldsV1 set; `meta` is null for kinds without merge keys. */
export function fieldSetOf(config: JsonObject, meta: StructPatchMeta | null): FieldSet {
  const set: FieldSet = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'apiVersion' || key === 'kind') continue;
    if (key === 'metadata' && isJsonObject(value)) {
      const metadata = Object.fromEntries(Object.entries(value).filter(([k]) => !SERVER_OWNED_METADATA.has(k)));
      if (Object.keys(metadata).length > 0) set['f:metadata'] = mapFields(metadata, childMeta(meta, 'metadata'));
      continue;
    }
    set[`f:${key}`] = valueFields(value, meta, key);
  }
  return set;
}

function childMeta(meta: StructPatchMeta | null, key: string): StructPatchMeta | null {
  return meta === null ? null : structPatchMeta(meta[key]?.type);
}

function mapFields(map: JsonObject, meta: StructPatchMeta | null): FieldSet {
  const set: FieldSet = {};
  for (const [key, value] of Object.entries(map)) set[`f:${key}`] = valueFields(value, meta, key);
  return set;
}

function valueFields(value: unknown, parentMeta: StructPatchMeta | null, key: string): FieldSet {
  const fieldMeta = parentMeta?.[key];
  if (isJsonObject(value)) return mapFields(value, childMeta(parentMeta, key));
  if (!Array.isArray(value) || !fieldMeta?.merge) return {};
  const set: FieldSet = {};
  const itemMeta = structPatchMeta(fieldMeta.type);
  for (const item of value) {
    if (fieldMeta.mergeKey !== undefined && isJsonObject(item)) {
      set[keyElement(fieldMeta.mergeKey, item)] = { '.': {}, ...mapFields(item, itemMeta) };
    } else if (fieldMeta.mergeKey === undefined) {
      set[`v:${JSON.stringify(item)}`] = {};
    }
  }
  return set;
}

/** The `k:` path element naming a keyed list item. */
export function keyElement(mergeKey: string, item: JsonObject): string {
  return `k:${JSON.stringify({ [mergeKey]: item[mergeKey] })}`;
}

/** Every path (list of path elements) to a node of the set, leaves and inner nodes alike. */
export function pathsOf(set: FieldSet, prefix: string[] = []): string[][] {
  const paths: string[][] = [];
  for (const [element, child] of Object.entries(set)) {
    if (element === '.') continue;
    const path = [...prefix, element];
    paths.push(path);
    paths.push(...pathsOf(child, path));
  }
  return paths;
}

/** True when the set holds exactly this node. */
export function hasPath(set: FieldSet, path: string[]): boolean {
  let node: FieldSet | undefined = set;
  for (const element of path) {
    node = node[element];
    if (node === undefined) return false;
  }
  return true;
}

/** True when the node is a leaf of the set: a field owned as a whole. */
export function isLeaf(set: FieldSet, path: string[]): boolean {
  let node: FieldSet | undefined = set;
  for (const element of path) {
    node = node?.[element];
  }
  return node !== undefined && Object.keys(node).length === 0;
}

/** Removes a node (and what is below it) from a set, dropping parents left empty. */
export function withoutPath(set: FieldSet, path: string[]): FieldSet {
  const [head, ...rest] = path;
  if (!(head in set)) return set;
  const copy = { ...set };
  if (rest.length === 0) {
    delete copy[head];
    return copy;
  }
  const child = withoutPath(copy[head], rest);
  if (Object.keys(child).filter((k) => k !== '.').length === 0 && Object.keys(copy[head]).length > 0) delete copy[head];
  else copy[head] = child;
  return copy;
}

/** Reads the value at a FieldsV1 path of an object, or undefined when absent. */
export function valueAt(object: unknown, path: string[]): unknown {
  let node: unknown = object;
  for (const element of path) {
    node = step(node, element);
    if (node === undefined) return undefined;
  }
  return node;
}

function step(node: unknown, element: string): unknown {
  if (element.startsWith('f:')) return isJsonObject(node) ? node[element.slice(2)] : undefined;
  if (!Array.isArray(node)) return undefined;
  if (element.startsWith('k:')) {
    const key = JSON.parse(element.slice(2)) as JsonObject;
    return node.find((item) => isJsonObject(item) && Object.entries(key).every(([k, v]) => jsonEqual(item[k], v)));
  }
  if (element.startsWith('v:')) {
    const value: unknown = JSON.parse(element.slice(2));
    return node.find((item) => jsonEqual(item, value));
  }
  return undefined;
}

/** Returns a copy of the object without the node at a FieldsV1 path (a map field, a list item or a set value). */
export function removePath(object: JsonObject, path: string[]): JsonObject {
  return removeFrom(object, path) as JsonObject;
}

function removeFrom(node: unknown, path: string[]): unknown {
  const [head, ...rest] = path;
  if (head.startsWith('f:') && isJsonObject(node)) {
    const field = head.slice(2);
    if (!(field in node)) return node;
    const copy = { ...node };
    if (rest.length === 0) delete copy[field];
    else copy[field] = removeFrom(copy[field], rest);
    return copy;
  }
  if (Array.isArray(node)) {
    const target = step(node, head);
    if (target === undefined) return node;
    if (rest.length === 0) return node.filter((item) => item !== target);
    return node.map((item) => (item === target ? removeFrom(item, rest) : item));
  }
  return node;
}
