import { ApiError, badRequest } from './api-error.ts';
import type { JsonObject } from './json.ts';
import { base64, mapEntry, message, ProtobufError, readFields, text } from './protobuf-reader.ts';

// kubectl 1.32 and later send the objects of `kubectl create namespace|configmap|secret|serviceaccount`
// as protobuf, and client-go does not fall back to JSON on 415 for protobuf (only for CBOR). So the
// server decodes those few kinds. Field numbers are those of k8s.io/api/core/v1/generated.proto and
// k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto.

/** How one protobuf field becomes a JSON field. */
type FieldType =
  | 'string'
  | 'bytes'
  | 'bool'
  | 'int'
  | 'time'
  | { message: MessageSchema }
  | { repeated: FieldType }
  | { map: 'string' | 'bytes' };

/** A message: field number → [JSON name, type]. */
type MessageSchema = Record<number, [string, FieldType]>;

const time: MessageSchema = { 1: ['seconds', 'int'], 2: ['nanos', 'int'] };

const ownerReference: MessageSchema = {
  1: ['kind', 'string'],
  3: ['name', 'string'],
  4: ['uid', 'string'],
  5: ['apiVersion', 'string'],
  6: ['controller', 'bool'],
  7: ['blockOwnerDeletion', 'bool'],
};

const objectMeta: MessageSchema = {
  1: ['name', 'string'],
  2: ['generateName', 'string'],
  3: ['namespace', 'string'],
  5: ['uid', 'string'],
  6: ['resourceVersion', 'string'],
  7: ['generation', 'int'],
  8: ['creationTimestamp', 'time'],
  11: ['labels', { map: 'string' }],
  12: ['annotations', { map: 'string' }],
  13: ['ownerReferences', { repeated: { message: ownerReference } }],
  14: ['finalizers', { repeated: 'string' }],
};

const objectReference: MessageSchema = {
  1: ['kind', 'string'],
  2: ['namespace', 'string'],
  3: ['name', 'string'],
  4: ['uid', 'string'],
  5: ['apiVersion', 'string'],
  6: ['resourceVersion', 'string'],
  7: ['fieldPath', 'string'],
};

const kinds: Record<string, MessageSchema> = {
  'v1/Namespace': {
    1: ['metadata', { message: objectMeta }],
    2: ['spec', { message: { 1: ['finalizers', { repeated: 'string' }] } }],
  },
  'v1/ConfigMap': {
    1: ['metadata', { message: objectMeta }],
    2: ['data', { map: 'string' }],
    3: ['binaryData', { map: 'bytes' }],
    4: ['immutable', 'bool'],
  },
  'v1/Secret': {
    1: ['metadata', { message: objectMeta }],
    2: ['data', { map: 'bytes' }],
    3: ['type', 'string'],
    4: ['stringData', { map: 'string' }],
    5: ['immutable', 'bool'],
  },
  'v1/ServiceAccount': {
    1: ['metadata', { message: objectMeta }],
    2: ['secrets', { repeated: { message: objectReference } }],
    3: ['imagePullSecrets', { repeated: { message: { 1: ['name', 'string'] } } }],
    4: ['automountServiceAccountToken', 'bool'],
  },
};

const magic = Buffer.from('k8s\0', 'latin1');
const jsonMediaTypes = 'application/json, application/yaml';

function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function convert(type: FieldType, value: number | Uint8Array): unknown {
  if (type === 'string') return text(value);
  if (type === 'bytes') return base64(value);
  if (type === 'bool') return value === 1;
  if (type === 'int') return typeof value === 'number' ? value : 0;
  if (type === 'time') return rfc3339(Number(decodeMessage(time, message(value)).seconds ?? 0));
  if ('message' in type) return decodeMessage(type.message, message(value));
  throw new ProtobufError('unexpected field type');
}

function decodeMessage(schema: MessageSchema, bytes: Uint8Array): JsonObject {
  const out: JsonObject = {};
  for (const f of readFields(bytes)) {
    const spec = schema[f.number];
    if (!spec) continue;
    const [name, type] = spec;
    if (typeof type === 'object' && 'repeated' in type) {
      const list = (out[name] ??= []) as unknown[];
      list.push(convert(type.repeated, f.value));
    } else if (typeof type === 'object' && 'map' in type) {
      const map = (out[name] ??= {}) as JsonObject;
      const [k, v] = mapEntry(f.value, (x) => (type.map === 'bytes' ? base64(x) : text(x)));
      map[k] = v;
    } else {
      const v = convert(type, f.value);
      // Protobuf writes Go's zero values; JSON omits them (omitempty), and defaulting relies on that.
      if (v !== '' && v !== 0) out[name] = v;
    }
  }
  return out;
}

/** Whether a Content-Type is the Kubernetes protobuf media type. */
export function isProtobuf(contentType: string | undefined): boolean {
  return contentType?.split(';')[0].trim().toLowerCase() === 'application/vnd.kubernetes.protobuf';
}

/**
 * Decodes a `k8s\0` + runtime.Unknown envelope (typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2)
 * into the JSON object the same request would have carried as JSON.
 */
export function decodeProtobufObject(body: Buffer): JsonObject {
  try {
    if (body.length < magic.length || !body.subarray(0, magic.length).equals(magic)) throw new ProtobufError('missing the k8s protobuf prefix');
    let apiVersion = '';
    let kind = '';
    let raw: Uint8Array = new Uint8Array(0);
    for (const f of readFields(body.subarray(magic.length))) {
      if (f.number === 1) {
        for (const t of readFields(message(f.value))) {
          if (t.number === 1) apiVersion = text(t.value);
          else if (t.number === 2) kind = text(t.value);
        }
      } else if (f.number === 2) {
        raw = message(f.value);
      }
    }
    const schema = kinds[`${apiVersion}/${kind}`];
    // Other kinds are answered as a server without protobuf would answer them.
    if (!schema) throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${jsonMediaTypes}`);
    return { apiVersion, kind, ...decodeMessage(schema, raw) };
  } catch (err) {
    if (err instanceof ProtobufError) throw badRequest(`the object provided is unrecognized: ${err.message}`);
    throw err;
  }
}
