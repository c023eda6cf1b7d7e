import protobuf from 'protobufjs';
import type { JsonObject } from '../json.ts';
import { fromMessage } from './message-to-json.ts';
import { toMessage } from './json-to-message.ts';
import { ProtobufMappingError } from './mapping-error.ts';
import { kubernetesProtoSchema, type KubernetesProtoSchema } from './schema.ts';
import type { DecodedMessage } from './special-types.ts';

/** Every protobuf object on the wire starts with these four bytes ("k8s" and a zero byte). */
const magic = Buffer.from('k8s\0', 'latin1');

/**
 * Length-delimited fields (wire type 2) written after one another into one buffer: key and length as
 * varints, then the bytes. Lists and envelopes are mostly cached message bytes to copy; protobufjs's
 * Writer copies small arrays byte by byte, which made a protobuf list of 1,000 ConfigMaps cost twice its
 * JSON.
 */
function lengthDelimited(fields: [number, Uint8Array][]): Buffer {
  let size = 0;
  for (const [, bytes] of fields) size += 10 + bytes.length;
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  const varint = (value: number): void => {
    let v = value;
    while (v > 0x7f) {
      out[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    out[pos++] = v;
  };
  for (const [fieldNumber, bytes] of fields) {
    varint((fieldNumber << 3) | 2);
    varint(bytes.length);
    out.set(bytes, pos);
    pos += bytes.length;
  }
  return out.subarray(0, pos);
}

/** The type meta and message of a protobuf body that the schema has no message for. */
export class UnknownProtobufKind extends Error {
  readonly apiVersion: string;
  readonly kind: string;

  constructor(apiVersion: string, kind: string) {
    super(`no protobuf message for ${apiVersion}/${kind}`);
    this.apiVersion = apiVersion;
    this.kind = kind;
  }
}

/**
 * The Kubernetes protobuf wire format over JSON objects: `k8s\0` + runtime.Unknown{typeMeta, raw} for
 * objects and lists, and watch events as metav1.WatchEvent messages (whose object is such an envelope),
 * each frame preceded by its length as a 4-byte big-endian integer.
 */
export class ProtobufCodec {
  private readonly schema: KubernetesProtoSchema;

  private readonly rawField: number;

  constructor(schema: KubernetesProtoSchema = kubernetesProtoSchema()) {
    this.schema = schema;
    this.rawField = schema.unknown.fields.raw.id;
  }

  /** Whether a kind has a protobuf form (built-in kinds of the vendored groups; no custom resources, no Table). */
  supports(apiVersion: string, kind: string): boolean {
    return this.schema.messageFor(apiVersion, kind) !== undefined;
  }

  /** The message bytes of an object (without envelope: list items and embedded objects are written so). */
  encodeMessage(apiVersion: string, kind: string, json: JsonObject): Buffer {
    const type = this.mustFind(apiVersion, kind);
    return Buffer.from(type.encode(toMessage(type, json)).finish());
  }

  /** An object with its envelope, as a GET or a write answers it. */
  encodeObject(json: JsonObject): Buffer {
    const apiVersion = String(json.apiVersion ?? '');
    const kind = String(json.kind ?? '');
    return this.envelope(apiVersion, kind, this.encodeMessage(apiVersion, kind, json));
  }

  /** `k8s\0` + runtime.Unknown around already encoded message bytes. */
  envelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
    // raw (field 2) goes last: field order is free on the wire, and the object is copied only once.
    const head = this.schema.unknown.encode({ typeMeta: { apiVersion, kind }, contentEncoding: '', contentType: '' }).finish();
    return Buffer.concat([magic, head, lengthDelimited([[this.rawField, raw]])]);
  }

  /** A list with its envelope, from its metadata and the message bytes of its items. */
  encodeList(apiVersion: string, listKind: string, metadata: JsonObject, items: Uint8Array[]): Buffer {
    const type = this.mustFind(apiVersion, listKind);
    const metadataField = type.fields.metadata;
    const itemsField = type.fields.items;
    const listMeta = (metadataField.resolvedType as protobuf.Type).encode(toMessage(metadataField.resolvedType as protobuf.Type, metadata, 'metadata')).finish();
    // Each item's cached message bytes are copied, not re-encoded.
    const fields: [number, Uint8Array][] = [[metadataField.id, listMeta]];
    for (const item of items) fields.push([itemsField.id, item]);
    return this.envelope(apiVersion, listKind, lengthDelimited(fields));
  }

  /** One watch event frame: length prefix, then a WatchEvent whose object is the envelope `object`. */
  watchFrame(type: string, object: Uint8Array): Buffer {
    const event = this.schema.watchEvent.encode({ type, object: { raw: object } }).finish();
    const length = Buffer.alloc(4);
    length.writeUInt32BE(event.length);
    return Buffer.concat([length, event]);
  }

  /**
   * The JSON object a protobuf request body carries. Throws UnknownProtobufKind for kinds without a
   * message and ProtobufMappingError for bodies that are not a valid envelope.
   */
  decodeObject(body: Uint8Array): JsonObject {
    if (body.length < magic.length || !magic.equals(body.subarray(0, magic.length))) throw new ProtobufMappingError('', '<binary>', 'a body starting with the k8s protobuf prefix');
    let envelope: DecodedMessage;
    try {
      envelope = this.schema.unknown.decode(body.subarray(magic.length)) as unknown as DecodedMessage;
    } catch (err) {
      throw new ProtobufMappingError('', '<binary>', `a runtime.Unknown envelope (${(err as Error).message})`);
    }
    const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
    const apiVersion = typeMeta.apiVersion ?? '';
    const kind = typeMeta.kind ?? '';
    if (envelope.contentEncoding) throw new ProtobufMappingError('contentEncoding', envelope.contentEncoding, 'empty (no encoding is supported)');
    const type = this.schema.messageFor(apiVersion, kind);
    if (!type) throw new UnknownProtobufKind(apiVersion, kind);
    let message: DecodedMessage;
    try {
      message = type.decode((envelope.raw as Uint8Array | undefined) ?? new Uint8Array(0)) as unknown as DecodedMessage;
    } catch (err) {
      throw new ProtobufMappingError('', '<binary>', `a ${kind} message (${(err as Error).message})`);
    }
    return { apiVersion, kind, ...(fromMessage(type, message, (raw) => this.decodeEmbedded(raw)) as JsonObject) };
  }

  /** An embedded object or document: a protobuf envelope, or JSON (what clients put in RawExtension). */
  private decodeEmbedded(raw: Uint8Array): unknown {
    if (raw.length >= magic.length && magic.equals(raw.subarray(0, magic.length))) return this.decodeObject(raw);
    const text = Buffer.from(raw).toString('utf8');
    try {
      return JSON.parse(text);
    } catch {
      throw new ProtobufMappingError('raw', text.slice(0, 40), 'embedded JSON or a protobuf object');
    }
  }

  private mustFind(apiVersion: string, kind: string): protobuf.Type {
    const type = this.schema.messageFor(apiVersion, kind);
    if (!type) throw new UnknownProtobufKind(apiVersion, kind);
    return type;
  }
}
