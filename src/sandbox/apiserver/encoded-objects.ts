import type { JsonObject } from './json.ts';

/**
 * The encoded bytes of stored objects, kept per presentation (JSON with or without type meta, per
 * apiVersion; protobuf message bytes). Stored objects never change in place (every write stores a new
 * object), so an encoding stays valid as long as the object is alive, and the WeakMap lets it go with the
 * object. GET, LIST and WATCH all reuse it: a list of 1,000 unchanged objects costs one memory copy
 * instead of 1,000 encodes.
 */
export class EncodedObjects {
  private readonly cache = new WeakMap<JsonObject, Map<string, Buffer>>();

  /** The cached bytes of `obj` in presentation `variant`, produced by `encode` the first time. */
  bytes(obj: JsonObject, variant: string, encode: () => Buffer): Buffer {
    let byVariant = this.cache.get(obj);
    if (!byVariant) {
      byVariant = new Map();
      this.cache.set(obj, byVariant);
    }
    let bytes = byVariant.get(variant);
    if (bytes === undefined) {
      bytes = encode();
      byVariant.set(variant, bytes);
    }
    return bytes;
  }
}
