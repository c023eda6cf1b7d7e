import { Type, type TSchema, type TUnsafe, type ObjectOptions, type TProperties, type TObject } from '@sinclair/typebox';
import type { V1ObjectMeta } from '@kubernetes/client-node';
import { DURATION_PATTERN } from './duration.ts';

/**
 * Schema builders that produce structural, CRD-ready JSON Schema: every node has a `type`, enums are
 * `enum` (not anyOf of consts), int-or-string is Kubernetes' extension. Kinds are written with these so
 * one schema serves the TypeScript types, ajv validation and the CRD YAML.
 */

/** A string restricted to the given values, typed as their union. */
export function StringEnum<const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** Kubernetes' int-or-string (ports, Quantity-like values). */
export function IntOrString(options: Record<string, unknown> = {}): TUnsafe<number | string> {
  return Type.Unsafe<number | string>({ 'x-kubernetes-int-or-string': true, ...options });
}

/** A Go-syntax duration string ("30s", "1m30s"); parsed into a Duration at the edge. */
export function DurationString(options: Record<string, unknown> = {}): TUnsafe<string> {
  return Type.Unsafe<string>({ type: 'string', pattern: DURATION_PATTERN, ...options });
}

/** A map of strings (labels, annotations, webhook metadata). */
export function StringMap(options: Record<string, unknown> = {}) {
  return Type.Record(Type.String(), Type.String(), options);
}

/** An object node; closed to unknown fields by default so typos are reported instead of pruned away. */
export function Struct<T extends TProperties>(properties: T, options: ObjectOptions = {}): TObject<T> {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

/** Kubernetes object metadata: kept open (the API server owns its schema), typed as client-node's. */
export const ObjectMeta = Type.Unsafe<V1ObjectMeta>({ type: 'object' });

export type { TSchema };
