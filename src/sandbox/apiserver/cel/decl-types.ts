import { isObject } from '../json.ts';
import type { SchemaProps } from '../structural-schema.ts';
import { escapePropertyName } from './property-names.ts';

/** A CEL type as the rule checker sees it; `dyn` is "known only at run time". */
export type CelDeclType =
  | { kind: 'object'; fields: Map<string, CelDeclType> }
  | { kind: 'map'; value: CelDeclType }
  | { kind: 'list'; element: CelDeclType }
  | { kind: 'primitive'; name: PrimitiveName }
  | { kind: 'opaque'; name: string; parameter?: CelDeclType }
  | { kind: 'dyn' };

export type PrimitiveName = 'string' | 'int' | 'uint' | 'double' | 'bool' | 'bytes' | 'null_type' | 'duration' | 'timestamp' | 'type';

export const dyn: CelDeclType = { kind: 'dyn' };
export const primitive = (name: PrimitiveName): CelDeclType => ({ kind: 'primitive', name });
export const listOf = (element: CelDeclType): CelDeclType => ({ kind: 'list', element });
export const mapOf = (value: CelDeclType): CelDeclType => ({ kind: 'map', value });
export const opaque = (name: string, parameter?: CelDeclType): CelDeclType => ({ kind: 'opaque', name, parameter });

/** How cel-go names a type in its messages ("string", "list(int)", "map(string, dyn)", "object"). */
export function typeName(t: CelDeclType): string {
  switch (t.kind) {
    case 'object':
      return 'object';
    case 'map':
      return `map(string, ${typeName(t.value)})`;
    case 'list':
      return `list(${typeName(t.element)})`;
    case 'primitive':
      return t.name === 'duration' ? 'google.protobuf.Duration' : t.name === 'timestamp' ? 'google.protobuf.Timestamp' : t.name;
    case 'opaque':
      return t.parameter ? `${t.name}(${typeName(t.parameter)})` : t.name;
    case 'dyn':
      return 'dyn';
  }
}

/**
 * The schema of a resource root (or of an embedded resource) as CEL sees it: apiVersion, kind and
 * metadata.name/generateName are always readable, whatever the schema says about them.
 */
export function withTypeAndObjectMeta(schema: SchemaProps): SchemaProps {
  const str: SchemaProps = { type: 'string' };
  return {
    ...schema,
    type: 'object',
    properties: { ...schema.properties, apiVersion: str, kind: str, metadata: { type: 'object', properties: { name: str, generateName: str } } },
  };
}

/**
 * The CEL type of a schema node, as apiserver's SchemaDeclType derives it: int-or-string is dyn, objects
 * with additionalProperties are maps, formats byte/duration/date/date-time become bytes/duration/timestamp,
 * and a node without a type (that is not int-or-string) has no CEL type at all (undefined).
 */
export function schemaDeclType(schema: SchemaProps, isResourceRoot = false): CelDeclType | undefined {
  if (schema['x-kubernetes-int-or-string']) return dyn;
  const s = isResourceRoot ? withTypeAndObjectMeta(schema) : schema;
  switch (s.type) {
    case 'array': {
      if (!s.items) return undefined;
      const element = schemaDeclType(s.items, s.items['x-kubernetes-embedded-resource'] === true);
      return element && listOf(element);
    }
    case 'object': {
      if (isObject(s.additionalProperties)) {
        const ap = s.additionalProperties as SchemaProps;
        const value = schemaDeclType(ap, ap['x-kubernetes-embedded-resource'] === true);
        return value && mapOf(value);
      }
      const fields = new Map<string, CelDeclType>();
      for (const [name, prop] of Object.entries(s.properties ?? {})) {
        const escaped = escapePropertyName(name);
        const fieldType = schemaDeclType(prop, prop['x-kubernetes-embedded-resource'] === true);
        if (escaped !== undefined && fieldType) fields.set(escaped, fieldType);
      }
      return { kind: 'object', fields };
    }
    case 'string':
      switch (s.format) {
        case 'byte':
          return primitive('bytes');
        case 'duration':
          return primitive('duration');
        case 'date':
        case 'date-time':
          return primitive('timestamp');
        default:
          return primitive('string');
      }
    case 'boolean':
      return primitive('bool');
    case 'number':
      return primitive('double');
    case 'integer':
      return primitive('int');
    default:
      return undefined;
  }
}
