import protobuf from 'protobufjs';
import type { JsonObject } from '../json.ts';
import { ProtobufMappingError } from './mapping-error.ts';
import { specialTypes } from './special-types.ts';

/**
 * The plain object protobufjs encodes for a stored JSON object, field by field after the message type.
 * Kubernetes proto fields carry their JSON names, so a field is found under its own name; JSON fields the
 * message does not have are left out, and null or absent ones stay absent (Go decodes them as zero values).
 */
export function toMessage(type: protobuf.Type, json: unknown, path = ''): Record<string, unknown> {
  const special = specialTypes.get(type.fullName);
  if (special) return special.toProto(json, path);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ProtobufMappingError(path, json, `an object (${type.name})`);
  const obj = json as JsonObject;
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const value = obj[field.name];
    if (value === undefined || value === null) continue;
    const at = path === '' ? field.name : `${path}.${field.name}`;
    if (field.map) {
      if (typeof value !== 'object' || Array.isArray(value)) throw new ProtobufMappingError(at, value, 'an object');
      const entries: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as JsonObject)) if (v !== null) entries[k] = element(field, v, `${at}.${k}`);
      out[field.name] = entries;
    } else if (field.repeated) {
      if (!Array.isArray(value)) throw new ProtobufMappingError(at, value, 'a list');
      out[field.name] = value.map((v, i) => element(field, v, `${at}[${i}]`));
    } else {
      out[field.name] = element(field, value, at);
    }
  }
  return out;
}

function element(field: protobuf.Field, value: unknown, path: string): unknown {
  if (field.resolvedType instanceof protobuf.Type) return toMessage(field.resolvedType, value, path);
  switch (field.type) {
    case 'string':
      if (typeof value !== 'string') throw new ProtobufMappingError(path, value, 'a string');
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw new ProtobufMappingError(path, value, 'a boolean');
      return value;
    case 'bytes':
      // Go's []byte is base64 in JSON.
      if (typeof value !== 'string') throw new ProtobufMappingError(path, value, 'base64 text');
      return Buffer.from(value, 'base64');
    case 'double':
    case 'float':
      if (typeof value !== 'number') throw new ProtobufMappingError(path, value, 'a number');
      return value;
    default:
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new ProtobufMappingError(path, value, 'an integer');
      return value;
  }
}
