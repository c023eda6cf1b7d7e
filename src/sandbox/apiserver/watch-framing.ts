import type { JsonObject } from './json.ts';
import { jsonMediaType, protobufWatchMediaType } from './media-types.ts';
import type { ProtobufCodec } from './protobuf/codec.ts';

/** How one watch stream writes its events: JSON lines, Table rows, or length-prefixed protobuf frames. */
export interface WatchFraming {
  contentType: string;
  /**
   * Names the bytes `stored` produces, so an event encoded for one watcher serves every watcher with the
   * same key; undefined when the bytes are particular to one watch (Table rows).
   */
  shareKey: string | undefined;
  /** An event about a stored object. */
  stored(type: string, obj: JsonObject): Buffer;
  /** An event about an object made for this event alone (bookmarks, errors). */
  made(type: string, object: JsonObject): Buffer;
}

const jsonLine = (type: string, object: JsonObject): Buffer => Buffer.from(`${JSON.stringify({ type, object })}\n`);
const eventSuffix = Buffer.from('}\n');
const eventPrefixes = new Map<string, Buffer>();

function eventPrefix(type: string): Buffer {
  let prefix = eventPrefixes.get(type);
  if (!prefix) {
    prefix = Buffer.from(`{"type":"${type}","object":`);
    eventPrefixes.set(type, prefix);
  }
  return prefix;
}

/** JSON watch events, one per line, around each stored object's cached JSON bytes. */
export function jsonFraming(shareKey: string, encode: (obj: JsonObject) => Buffer): WatchFraming {
  return {
    contentType: jsonMediaType,
    shareKey: `json ${shareKey}`,
    stored: (type, obj) => Buffer.concat([eventPrefix(type), encode(obj), eventSuffix]),
    made: jsonLine,
  };
}

/** JSON watch events whose objects are Table rows (what `kubectl get --watch` asks for). */
export function tableFraming(render: (obj: JsonObject) => JsonObject): WatchFraming {
  return { contentType: jsonMediaType, shareKey: undefined, stored: (type, obj) => jsonLine(type, render(obj)), made: jsonLine };
}

/** Protobuf watch frames: metav1.WatchEvent messages whose object is the `k8s\0` envelope of the object. */
export function protobufFraming(shareKey: string, codec: ProtobufCodec, envelope: (obj: JsonObject) => Buffer): WatchFraming {
  return {
    contentType: protobufWatchMediaType,
    shareKey: `protobuf ${shareKey}`,
    stored: (type, obj) => codec.watchFrame(type, envelope(obj)),
    made: (type, object) => codec.watchFrame(type, codec.encodeObject(object)),
  };
}
