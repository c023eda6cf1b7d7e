import { PatchError } from './patch-error.ts';

/** A JSON object as decoded from a request body. */
export type JsonObject = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a JSON PATCH body, answering 400 as the real server does when it cannot be decoded. */
export function parsePatchBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new PatchError('BadRequest', `error decoding patch: ${(error as Error).message}`);
  }
}

/** Deep structural equality of two JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && jsonEqual(a[k], b[k]));
  }
  return false;
}
