import type { StatusCause } from './api-error.ts';
import { validationRuleCauses, type RuleNode } from './cel/validation-rules.ts';
import { clone, isObject, jsonEqual, type JsonObject } from './json.ts';

/** The subset of a CRD's openAPIV3Schema the server enforces. */
export interface SchemaProps {
  type?: string;
  properties?: Record<string, SchemaProps>;
  additionalProperties?: SchemaProps | boolean;
  items?: SchemaProps;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  anyOf?: SchemaProps[];
  oneOf?: SchemaProps[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
}

/** Go's %v of a value, as the real server prints it in "Invalid value: ..." messages. */
export function goValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return '[]interface {}{' + v.map(goValue).join(', ') + '}';
  if (typeof v === 'object') return 'map[string]interface {}{' + Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${goValue(x)}`).join(', ') + '}';
  return String(v);
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(schema: SchemaProps, v: unknown): boolean {
  if (schema['x-kubernetes-int-or-string']) return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
  const actual = typeOf(v);
  switch (schema.type) {
    case undefined:
      return true;
    case 'number':
      return actual === 'number' || actual === 'integer';
    default:
      return actual === schema.type;
  }
}

const invalidValue = (field: string, value: unknown, detail: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${goValue(value)}: ${field} in body ${detail}`,
  field,
});

/**
 * Validates a value against a structural schema and returns one cause per offending field, with the
 * field paths and wording of the real server ("spec.x in body should be less than or equal to 100").
 */
export function validateSchema(schema: SchemaProps, value: unknown, path: string, causes: StatusCause[] = []): StatusCause[] {
  if (value === null || value === undefined) {
    if (value === null && !schema.nullable && schema.type !== undefined && !schema['x-kubernetes-preserve-unknown-fields']) {
      causes.push({ reason: 'FieldValueTypeInvalid', message: `Invalid value: "null": ${path} in body must be of type ${schema.type}: "null"`, field: path });
    }
    return causes;
  }
  if (!typeMatches(schema, value)) {
    const expected = schema['x-kubernetes-int-or-string'] ? 'integer,string' : schema.type;
    causes.push({ reason: 'FieldValueTypeInvalid', message: `Invalid value: "${typeOf(value)}": ${path} in body must be of type ${expected}: "${typeOf(value)}"`, field: path });
    return causes;
  }
  if (schema.enum && !schema.enum.some((e) => jsonEqual(e, value))) {
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${goValue(value)}: supported values: ${schema.enum.map(goValue).join(', ')}`,
      field: path,
    });
  }
  if (typeof value === 'number') {
    if (schema.maximum !== undefined) {
      if (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum) {
        causes.push(invalidValue(path, value, `should be less than ${schema.exclusiveMaximum ? '' : 'or equal to '}${schema.maximum}`));
      }
    }
    if (schema.minimum !== undefined) {
      if (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum) {
        causes.push(invalidValue(path, value, `should be greater than ${schema.exclusiveMinimum ? '' : 'or equal to '}${schema.minimum}`));
      }
    }
  }
  if (typeof value === 'string') {
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength) {
      causes.push({ reason: 'FieldValueTooLong', message: `Too long: may not be more than ${schema.maxLength} bytes`, field: path });
    }
    if (schema.minLength !== undefined && [...value].length < schema.minLength) {
      causes.push(invalidValue(path, value, `should be at least ${schema.minLength} chars long`));
    }
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) {
      causes.push(invalidValue(path, value, `should match '${schema.pattern}'`));
    }
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      causes.push({ reason: 'FieldValueTooMany', message: `Too many: ${value.length}: must have at most ${schema.maxItems} items`, field: path });
    }
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      causes.push(invalidValue(path, value, `should have at least ${schema.minItems} items`));
    }
    if (schema.items) value.forEach((item, i) => validateSchema(schema.items as SchemaProps, item, `${path}[${i}]`, causes));
  }
  if (isObject(value)) {
    for (const key of schema.required ?? []) {
      if (value[key] === undefined) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: path === '' ? key : `${path}.${key}` });
    }
    for (const [key, child] of Object.entries(value)) {
      const sub = schema.properties?.[key] ?? (isObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
      if (sub) validateSchema(sub, child, path === '' ? key : `${path}.${key}`, causes);
    }
  }
  for (const alternatives of [schema.anyOf, schema.oneOf]) {
    if (alternatives && !alternatives.some((alt) => validateSchema(alt, value, path).length === 0)) {
      causes.push(invalidValue(path, value, `must validate ${alternatives === schema.oneOf ? 'one and only one' : 'at least one'} schema (${alternatives === schema.oneOf ? 'oneOf' : 'anyOf'})`));
    }
  }
  return causes;
}

/** Fills absent properties that declare a default, recursing into objects and arrays that exist. */
export function applyDefaults(schema: SchemaProps, value: unknown): void {
  if (Array.isArray(value)) {
    if (schema.items) for (const item of value) applyDefaults(schema.items, item);
    return;
  }
  if (!isObject(value)) return;
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    if (value[key] === undefined && sub.default !== undefined) value[key] = clone(sub.default);
    if (value[key] !== undefined) applyDefaults(sub, value[key]);
  }
  if (isObject(schema.additionalProperties)) {
    for (const key of Object.keys(value)) if (!schema.properties?.[key]) applyDefaults(schema.additionalProperties, value[key]);
  }
}

/** Drops fields the schema does not declare, unless it preserves unknown fields there. */
export function pruneUnknown(schema: SchemaProps, value: unknown, isRoot = false): void {
  if (Array.isArray(value)) {
    if (schema.items) for (const item of value) pruneUnknown(schema.items, item);
    return;
  }
  if (!isObject(value)) return;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = schema['x-kubernetes-embedded-resource'] === true;
  for (const key of Object.keys(value)) {
    // The root's (and embedded objects') type and object meta belong to the generic code, not the schema.
    if ((isRoot || embedded) && (key === 'apiVersion' || key === 'kind' || key === 'metadata')) continue;
    const sub = schema.properties?.[key] ?? (isObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
    if (sub) {
      pruneUnknown(sub, value[key]);
      continue;
    }
    if (!preserve && schema.additionalProperties !== true) delete value[key];
  }
}

/**
 * Defaults, prunes and validates a custom resource as the apiextensions server does, in that order, then
 * evaluates the CRD's validation rules (with the stored object as `old` on updates).
 */
export function admitCustomResource(schema: SchemaProps | undefined, obj: JsonObject, rules?: RuleNode, old?: JsonObject): StatusCause[] {
  if (!schema) return [];
  pruneUnknown(schema, obj, true);
  applyDefaults(schema, obj);
  const rootSchema: SchemaProps = { ...schema, properties: { ...schema.properties } };
  // metadata, apiVersion and kind are checked by the generic code, not the CRD schema.
  delete rootSchema.properties?.metadata;
  delete rootSchema.properties?.apiVersion;
  delete rootSchema.properties?.kind;
  const causes = validateSchema(rootSchema, obj, '');
  return [...causes, ...validationRuleCauses(rules, obj, old, causes)];
}
