/** A parsed JSON object: how the server handles every resource without per-kind classes. */
export type JsonObject = Record<string, unknown>;

/** Whether a value is a plain JSON object (not an array, not null). */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The object's metadata, created empty when absent so callers can write into it. */
export function metadataOf(obj: JsonObject): JsonObject {
  if (!isObject(obj.metadata)) obj.metadata = {};
  return obj.metadata as JsonObject;
}

/** An object without apiVersion and kind (how built-in lists carry their items). */
export function withoutTypeMeta(obj: JsonObject): JsonObject {
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

/** A deep copy; objects in the store are never shared with callers. */
export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Deep equality of two JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const ak = Object.keys(a as JsonObject);
  const bo = b as JsonObject;
  if (ak.length !== Object.keys(bo).length) return false;
  return ak.every((k) => Object.hasOwn(bo, k) && jsonEqual((a as JsonObject)[k], bo[k]));
}

/** Reads a dotted path such as ".spec.replicas" (the JSONPath subset printer columns use). */
export function readPath(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const part of path.replace(/^\./, '').split('.')) {
    if (part === '') continue;
    const m = /^([^[]*)((?:\[[^\]]*\])*)$/.exec(part);
    const key = m ? m[1] : part;
    if (key !== '') {
      if (!isObject(cur)) return undefined;
      cur = cur[key];
    }
    for (const idx of (m?.[2] ?? '').match(/\[[^\]]*\]/g) ?? []) {
      const inner = idx.slice(1, -1);
      if (!Array.isArray(cur)) return undefined;
      const filter = /^\?\(@\.([\w.]+)=="?([^"]*)"?\)$/.exec(inner);
      if (filter) cur = cur.find((e) => String(readPath(e, filter[1])) === filter[2]);
      else if (inner === '*') cur = cur[0];
      else cur = cur[Number(inner) < 0 ? cur.length + Number(inner) : Number(inner)];
    }
  }
  return cur;
}

/** Writes a dotted path, creating intermediate objects. */
export function writePath(obj: JsonObject, path: string, value: unknown): void {
  const parts = path.replace(/^\./, '').split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    if (!isObject(cur[p])) cur[p] = {};
    cur = cur[p] as JsonObject;
  }
  cur[parts[parts.length - 1]] = value;
}
