import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { isJsonObject, parsePatchBody, type JsonObject } from './json-value.ts';
import { PatchError } from './patch-error.ts';

// kube-apiserver answers every failure to apply a decoded JSON patch (a failed `test`, a missing path, an
// unknown op) with this generic 422 and no causes; only an undecodable body is a 400.
const REJECTED = 'the server rejected our request due to an error in our request';

/** Applies an `application/json-patch+json` (RFC 6902) body to the current object. */
export function applyJsonPatch(current: JsonObject, body: string): JsonObject {
  const operations = parsePatchBody(body);
  if (!Array.isArray(operations)) {
    throw new PatchError('BadRequest', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  }
  let result: unknown;
  try {
    result = fastJsonPatch.applyPatch(structuredClone(current), operations as Operation[], true, true, true)
      .newDocument;
  } catch (error) {
    throw new PatchError('Invalid', REJECTED, { cause: error });
  }
  if (!isJsonObject(result)) throw new PatchError('Invalid', REJECTED);
  return result;
}
