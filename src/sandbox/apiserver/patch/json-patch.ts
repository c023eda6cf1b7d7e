import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { isJsonObject, parsePatchBody, type JsonObject } from './json-value.ts';
import { PatchError } from './patch-error.ts';

// kube-apiserver answers every failure to apply a decoded JSON patch (a failed `test`, a missing path, an
// unknown op) with NewGenericServerResponse(422): this generic message, and the json-patch library's own
// error as the one cause (type UnexpectedServerResponse, no field). kubectl prints it as
// "The request is invalid: testing value /spec/replicas failed: test failed".
const REJECTED = 'the server rejected our request due to an error in our request';

/** The message evanphx/json-patch (the library the real server uses) gives for a failed operation. */
function libraryMessage(error: unknown): string {
  const e = error as { name?: string; message?: string; operation?: { op?: unknown; path?: unknown } };
  if (e?.name !== 'TEST_OPERATION_FAILED' && !String(e?.name).startsWith('OPERATION_')) return String(e?.message ?? error);
  const op = String(e.operation?.op ?? '');
  const path = String(e.operation?.path ?? '');
  if (e.name === 'TEST_OPERATION_FAILED') return `testing value ${path} failed: test failed`;
  if (e.name === 'OPERATION_OP_INVALID') return `Unexpected kind: ${op}`;
  if (e.name === 'OPERATION_PATH_UNRESOLVABLE' || e.name === 'OPERATION_FROM_UNRESOLVABLE' || e.name === 'OPERATION_PATH_CANNOT_ADD') {
    return `${op} operation does not apply: doc is missing path: ${path}: missing value`;
  }
  return `${op} operation does not apply: ${String(e.message)}`;
}

function rejected(message: string, cause?: unknown): PatchError {
  return new PatchError('Invalid', REJECTED, { cause, causes: [{ reason: 'UnexpectedServerResponse', message }], generic: true });
}

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
    throw rejected(libraryMessage(error), error);
  }
  if (!isJsonObject(result)) throw rejected('the patched document is not an object');
  return result;
}
