import { EncodedObjects } from './encoded-objects.ts';
import { withoutTypeMeta, type JsonObject } from './json.ts';
import { jsonMediaType, prefersProtobuf, protobufMediaType, type WireFormat } from './media-types.ts';
import { ProtobufCodec } from './protobuf/codec.ts';
import { apiVersionOf, type ResourceType } from './resource-type.ts';

/** A response body and its Content-Type. */
export interface EncodedBody {
  bytes: Buffer;
  contentType: string;
}

const comma = Buffer.from(',');
const listEnd = Buffer.from(']}');

/**
 * Encodes what the server answers, in JSON or in Kubernetes protobuf. The JSON objects of the store are
 * the truth; protobuf is an encoding at the edge. Each stored object's bytes are cached per format and
 * version and shared by GET, LIST and WATCH.
 */
export class ObjectSerializer {
  private readonly encoded = new EncodedObjects();
  private readonly present: (type: ResourceType, obj: JsonObject) => JsonObject;
  private protobuf: ProtobufCodec | undefined;

  /** `present` shows a stored object as a version shows it (apiVersion and kind first). */
  constructor(present: (type: ResourceType, obj: JsonObject) => JsonObject) {
    this.present = present;
  }

  /** The protobuf codec, whose schema is loaded at the first protobuf request. */
  codec(): ProtobufCodec {
    this.protobuf ??= new ProtobufCodec();
    return this.protobuf;
  }

  /** Protobuf when the client prefers it and the kind has a protobuf form (not custom resources), else JSON. */
  formatFor(accept: string | undefined, apiVersion: string, kind: string): WireFormat {
    return prefersProtobuf(accept) && this.codec().supports(apiVersion, kind) ? 'protobuf' : 'json';
  }

  /** A stored object of `type` with its type meta (GET, watch events). */
  stored(type: ResourceType, obj: JsonObject, format: WireFormat): Buffer {
    const apiVersion = apiVersionOf(type);
    if (format === 'protobuf') return this.codec().envelope(apiVersion, type.kind, this.message(type, obj));
    return this.encoded.bytes(obj, apiVersion, () => Buffer.from(JSON.stringify(this.present(type, obj))));
  }

  /** An object made for this answer (write results, Scale, Status): protobuf only when its kind has a message. */
  object(body: JsonObject, format: WireFormat): EncodedBody {
    if (format === 'protobuf' && this.codec().supports(String(body.apiVersion), String(body.kind))) {
      return { bytes: this.codec().encodeObject(body), contentType: protobufMediaType };
    }
    return { bytes: Buffer.from(JSON.stringify(body)), contentType: jsonMediaType };
  }

  /** A LIST of stored objects (`list.items` as the store holds them). */
  list(type: ResourceType, list: JsonObject, format: WireFormat): Buffer {
    const items = list.items as JsonObject[];
    if (format === 'protobuf') {
      return this.codec().encodeList(apiVersionOf(type), type.listKind, list.metadata as JsonObject, items.map((item) => this.message(type, item)));
    }
    const parts: Buffer[] = [Buffer.from(`{"kind":${JSON.stringify(list.kind)},"apiVersion":${JSON.stringify(list.apiVersion)},"metadata":${JSON.stringify(list.metadata)},"items":[`)];
    for (let i = 0; i < items.length; i++) {
      if (i > 0) parts.push(comma);
      // Built-in lists carry items without type meta, as the real server encodes them.
      parts.push(type.builtin ? this.encoded.bytes(items[i], '', () => Buffer.from(JSON.stringify(withoutTypeMeta(items[i])))) : this.stored(type, items[i], 'json'));
    }
    parts.push(listEnd);
    return Buffer.concat(parts);
  }

  /** The protobuf message bytes of a stored object (no envelope: list items are written so). */
  private message(type: ResourceType, obj: JsonObject): Buffer {
    const apiVersion = apiVersionOf(type);
    return this.encoded.bytes(obj, `protobuf ${apiVersion}`, () => this.codec().encodeMessage(apiVersion, type.kind, obj));
  }
}
