import protobuf from 'protobufjs';
import type { JsonObject } from '../json.ts';
import { int64, specialTypes, type DecodedMessage } from './special-types.ts';

/** Turns the bytes of an embedded object (RawExtension, FieldsV1) into its JSON value. */
export type RawDecoder = (bytes: Uint8Array) => unknown;

/**
 * The JSON object a decoded message stands for, as Go's encoding/json would write the struct that
 * go-to-protobuf generated it from. Go's protobuf marshaller writes every non-pointer field, zero or not,
 * while JSON omits zero values (omitempty); the descriptors mark those fields `nullable: false`. So a zero
 * ("" / 0 / false) read into such a field is dropped, and one read into a pointer field (replicas: 0) is
 * kept. Nested structs are kept even when empty (`resources: {}`), as encoding/json writes them.
 */
export function fromMessage(type: protobuf.Type, message: DecodedMessage, decodeRaw: RawDecoder): unknown {
  const special = specialTypes.get(type.fullName);
  if (special) return special.fromProto(message, decodeRaw);
  const out: JsonObject = {};
  for (const field of type.fieldsArray) {
    if (!Object.prototype.hasOwnProperty.call(message, field.name)) continue;
    const value = message[field.name];
    if (field.map) {
      // Map values are kept as they are, zero or not: {"key": ""} is data. An empty map is omitted
      // (omitempty), and protobufjs gives every decoded message its maps, read or not.
      const pairs = Object.entries(value as Record<string, unknown>);
      if (pairs.length > 0) out[field.name] = Object.fromEntries(pairs.map(([k, v]) => [k, element(field, v, decodeRaw)]));
    } else if (field.repeated) {
      const list = value as unknown[];
      if (list.length > 0) out[field.name] = list.map((v) => element(field, v, decodeRaw));
    } else {
      const converted = element(field, value, decodeRaw);
      if (converted === undefined) continue;
      const isValueField = (field.options as { nullable?: boolean } | undefined)?.nullable === false;
      if (isValueField && (converted === '' || converted === 0 || converted === false)) continue;
      out[field.name] = converted;
    }
  }
  return out;
}

function element(field: protobuf.Field, value: unknown, decodeRaw: RawDecoder): unknown {
  if (field.resolvedType instanceof protobuf.Type) return fromMessage(field.resolvedType, value as DecodedMessage, decodeRaw);
  switch (field.type) {
    case 'bytes':
      return Buffer.from(value as Uint8Array).toString('base64');
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return int64(value);
    default:
      return value;
  }
}
