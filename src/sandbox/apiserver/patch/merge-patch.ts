import { isJsonObject, parsePatchBody, type JsonObject } from './json-value.ts';
import { PatchError } from './patch-error.ts';

/** RFC 7386 merge of `patch` into `target`: objects merge recursively, null deletes, anything else replaces. */
export function mergeJson(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return structuredClone(patch);
  const result: JsonObject = isJsonObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergeJson(result[key], value);
  }
  return result;
}

/** Applies an `application/merge-patch+json` body to the current object. */
export function applyMergePatch(current: JsonObject, body: string): JsonObject {
  const patch = parsePatchBody(body);
  if (!isJsonObject(patch)) {
    // A non-object merge patch would replace the whole object with a scalar or list.
    throw new PatchError('BadRequest', 'Invalid JSON Patch');
  }
  return mergeJson(structuredClone(current), patch) as JsonObject;
}
