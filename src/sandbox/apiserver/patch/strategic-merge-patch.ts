import { isJsonObject, jsonEqual, parsePatchBody, type JsonObject } from './json-value.ts';
import { PatchError } from './patch-error.ts';
import { kindTypeName, structPatchMeta, type FieldPatchMeta, type StructPatchMeta } from './patch-merge-keys.ts';

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ELEMENT_ORDER = '$setElementOrder/';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';

/** Marks a map whose patch said `$patch: delete`: its parent drops the key. */
const DELETED = Symbol('deleted');

/** Applies an `application/strategic-merge-patch+json` body to a built-in object of the given kind. */
export function applyStrategicMergePatch(current: JsonObject, body: string, kind: string): JsonObject {
  const patch = parsePatchBody(body);
  if (!isJsonObject(patch)) throw new PatchError('BadRequest', 'invalid strategic merge patch: not a JSON object');
  const merged = strategicMergeMap(current, patch, structPatchMeta(kindTypeName(kind)));
  if (merged === DELETED) throw new PatchError('BadRequest', 'a strategic merge patch cannot delete the whole object');
  return merged;
}

/** Strategic merge of one map; returns DELETED when the patch removes the map itself. */
export function strategicMergeMap(
  original: JsonObject | undefined,
  patch: JsonObject,
  meta: StructPatchMeta,
): JsonObject | typeof DELETED {
  const directive = patch[PATCH];
  if (directive === 'delete') return DELETED;
  if (directive === 'replace') {
    const { [PATCH]: _ignored, ...rest } = patch;
    return strategicMergeMap(undefined, rest, meta) as JsonObject;
  }
  if (directive !== undefined && directive !== 'merge') {
    throw new PatchError('BadRequest', `Unrecognized patch directive: ${JSON.stringify(directive)}`);
  }

  const result: JsonObject = original === undefined ? {} : { ...original };
  applyRetainKeys(result, patch);

  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue;
    const fieldMeta = meta[key] ?? {};
    if (value === null) {
      delete result[key];
    } else if (isJsonObject(value)) {
      const previous = result[key];
      const merged = strategicMergeMap(isJsonObject(previous) ? previous : undefined, value, structPatchMeta(fieldMeta.type));
      if (merged === DELETED) delete result[key];
      else result[key] = merged;
    } else if (Array.isArray(value)) {
      const previous = result[key];
      result[key] = fieldMeta.merge
        ? mergeList(Array.isArray(previous) ? previous : [], value, fieldMeta)
        : replaceList(value, fieldMeta);
    } else {
      result[key] = value;
    }
  }

  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      const list = key.slice(DELETE_FROM_PRIMITIVE_LIST.length);
      const doomed = expectList(value, key);
      const existing = result[list];
      if (Array.isArray(existing)) result[list] = existing.filter((item) => !doomed.some((d) => jsonEqual(d, item)));
    }
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(SET_ELEMENT_ORDER)) {
      const list = key.slice(SET_ELEMENT_ORDER.length);
      const existing = result[list];
      if (!Array.isArray(existing)) continue;
      const fieldMeta = meta[list] ?? {};
      const originalList = original === undefined ? undefined : original[list];
      const serverOrder = Array.isArray(originalList) ? originalList : [];
      result[list] = orderElements(existing, expectList(value, key), serverOrder, fieldMeta);
    }
  }
  return result;
}

/** `$retainKeys` lists the only keys the map may keep (kubectl sends it for one-of maps such as `strategy`). */
function applyRetainKeys(result: JsonObject, patch: JsonObject): void {
  const retain = patch[RETAIN_KEYS];
  if (retain === undefined) return;
  const keys = expectList(retain, RETAIN_KEYS);
  for (const key of Object.keys(patch)) {
    if (!key.startsWith('$') && patch[key] !== null && !keys.includes(key)) {
      throw new PatchError('Invalid', `the patch has fields that are not in $retainKeys: ${key}`);
    }
  }
  for (const key of Object.keys(result)) {
    if (!keys.includes(key)) delete result[key];
  }
}

function expectList(value: unknown, directive: string): unknown[] {
  if (!Array.isArray(value)) throw new PatchError('BadRequest', `invalid value for ${directive}: must be a list`);
  return value;
}

/** A list without a merge strategy is replaced, but directives inside its new items must not leak in. */
function replaceList(patchList: unknown[], fieldMeta: FieldPatchMeta): unknown[] {
  const itemMeta = structPatchMeta(fieldMeta.type);
  const items: unknown[] = [];
  for (const item of patchList) {
    if (!isJsonObject(item)) {
      items.push(structuredClone(item));
      continue;
    }
    const merged = strategicMergeMap(undefined, item, itemMeta);
    if (merged !== DELETED) items.push(merged);
  }
  return items;
}

/** Merges a `patchStrategy:"merge"` list: objects by their merge key, scalars as a set. */
function mergeList(original: unknown[], patchList: unknown[], fieldMeta: FieldPatchMeta): unknown[] {
  const replaceDirective = patchList.find((item) => isJsonObject(item) && item[PATCH] === 'replace');
  if (replaceDirective !== undefined) {
    return replaceList(patchList.filter((item) => item !== replaceDirective), fieldMeta);
  }
  const { mergeKey } = fieldMeta;
  if (mergeKey === undefined) {
    const result = [...original];
    for (const item of patchList) {
      if (!result.some((existing) => jsonEqual(existing, item))) result.push(structuredClone(item));
    }
    return result;
  }
  const itemMeta = structPatchMeta(fieldMeta.type);
  const result = [...original];
  for (const item of patchList) {
    if (!isJsonObject(item)) throw new PatchError('BadRequest', `list items of a merge list must be maps: ${JSON.stringify(item)}`);
    const key = item[mergeKey];
    if (key === undefined) {
      throw new PatchError('BadRequest', `map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
    }
    const index = result.findIndex((existing) => isJsonObject(existing) && jsonEqual(existing[mergeKey], key));
    if (item[PATCH] === 'delete') {
      for (let i = result.length - 1; i >= 0; i--) {
        const existing = result[i];
        if (isJsonObject(existing) && jsonEqual(existing[mergeKey], key)) result.splice(i, 1);
      }
      continue;
    }
    const merged = strategicMergeMap(index >= 0 ? (result[index] as JsonObject) : undefined, item, itemMeta);
    if (merged === DELETED) continue;
    if (index >= 0) result[index] = merged;
    else result.push(merged);
  }
  return result;
}

/**
 * Honours `$setElementOrder/<list>` the way kube-apiserver does: the elements the client listed come in its
 * order, and elements only the server knows keep their original relative place among them.
 */
function orderElements(merged: unknown[], order: unknown[], original: unknown[], fieldMeta: FieldPatchMeta): unknown[] {
  const identity = (item: unknown): unknown =>
    fieldMeta.mergeKey !== undefined && isJsonObject(item) ? item[fieldMeta.mergeKey] : item;
  const indexIn = (list: unknown[], item: unknown): number => {
    const id = identity(item);
    return list.findIndex((candidate) => jsonEqual(identity(candidate), id));
  };
  const listed = merged.filter((item) => indexIn(order, item) >= 0).sort((a, b) => indexIn(order, a) - indexIn(order, b));
  const serverOnly = merged.filter((item) => indexIn(order, item) < 0);
  const result: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < listed.length && j < serverOnly.length) {
    if (indexIn(original, listed[i]) <= indexIn(original, serverOnly[j])) result.push(listed[i++]);
    else result.push(serverOnly[j++]);
  }
  return result.concat(listed.slice(i), serverOnly.slice(j));
}
