import { create } from '@bufbuild/protobuf';
import { DurationSchema, timestampFromDate, type Duration } from '@bufbuild/protobuf/wkt';
import { isObject } from '../json.ts';
import type { SchemaProps } from '../structural-schema.ts';
import { withTypeAndObjectMeta } from './decl-types.ts';
import { escapePropertyName } from './property-names.ts';

/** What the evaluator is handed: bigint for CEL int, number for double, Map for objects and maps. */
export type CelInputValue = unknown;

/**
 * Converts JSON values to CEL values the way apiserver's UnstructuredToVal reads them: integers of
 * `type: integer` (and of int-or-string) are CEL ints, `number` is double, declared properties appear
 * under their escaped names, formats duration/date-time/date/byte become CEL duration/timestamp/bytes.
 * Conversions are cached per JSON node, so the rules of nested levels share one conversion.
 */
export class CelValueConverter {
  private readonly cache = new WeakMap<object, CelInputValue>();

  /** The CEL value of `value` read with `schema` (the resource root gets apiVersion, kind and metadata). */
  convert(schema: SchemaProps, value: unknown, isResourceRoot = false): CelInputValue {
    if (value === null || value === undefined) return null;
    if (typeof value === 'object') {
      const cached = this.cache.get(value);
      if (cached !== undefined) return cached;
      const converted = this.convertComposite(isResourceRoot ? withTypeAndObjectMeta(schema) : schema, value, isResourceRoot);
      this.cache.set(value, converted);
      return converted;
    }
    return convertScalar(schema, value);
  }

  private convertComposite(schema: SchemaProps, value: object, isResourceRoot: boolean): CelInputValue {
    if (Array.isArray(value)) {
      const items = schema.items;
      return value.map((v) => (items ? this.convert(items, v, items['x-kubernetes-embedded-resource'] === true) : untyped(v)));
    }
    const obj = value as Record<string, unknown>;
    const ap = isObject(schema.additionalProperties) ? (schema.additionalProperties as SchemaProps) : undefined;
    const map = new Map<string, CelInputValue>();
    for (const [key, v] of Object.entries(obj)) {
      if (ap) {
        map.set(key, this.convert(ap, v, ap['x-kubernetes-embedded-resource'] === true));
        continue;
      }
      const name = escapePropertyName(key);
      if (name === undefined) continue;
      // Only metadata.name and generateName are visible at a resource root, so equality ignores the rest.
      if (isResourceRoot && key === 'metadata' && isObject(v)) {
        const meta = new Map<string, CelInputValue>();
        for (const field of ['name', 'generateName']) if (typeof v[field] === 'string') meta.set(field, v[field]);
        map.set(name, meta);
        continue;
      }
      const prop = schema.properties?.[key];
      map.set(name, prop ? this.convert(prop, v, prop['x-kubernetes-embedded-resource'] === true) : untyped(v));
    }
    return map;
  }
}

function convertScalar(schema: SchemaProps, value: unknown): CelInputValue {
  if (typeof value === 'number') {
    if (schema.type === 'number') return value;
    return Number.isInteger(value) ? BigInt(value) : value;
  }
  if (typeof value === 'string' && schema.type === 'string') {
    switch (schema.format) {
      case 'duration':
        return parseGoDuration(value) ?? value;
      case 'date':
      case 'date-time': {
        const date = new Date(value);
        return Number.isNaN(date.getTime()) ? value : timestampFromDate(date);
      }
      case 'byte':
        return new Uint8Array(Buffer.from(value, 'base64'));
    }
  }
  return value;
}

/** JSON without a schema (preserved unknown fields): integral numbers are ints, objects are maps. */
function untyped(value: unknown): CelInputValue {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(untyped);
  if (isObject(value)) return new Map(Object.entries(value).map(([k, v]) => [k, untyped(v)]));
  return value;
}

const goDurationUnits: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration ("1h30m", "1.5s", "-300ms"), as CEL's duration type; undefined when invalid. */
export function parseGoDuration(text: string): Duration | undefined {
  const m = /^([-+]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+|0)$/.exec(text);
  if (!m) return undefined;
  let nanos = 0n;
  for (const [, num, unit] of m[2].matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    const [whole, frac = ''] = num.split('.');
    const scale = BigInt(goDurationUnits[unit]);
    nanos += BigInt(whole || '0') * scale;
    if (frac !== '') nanos += (BigInt(frac) * scale) / 10n ** BigInt(frac.length);
  }
  if (m[1] === '-') nanos = -nanos;
  return create(DurationSchema, { seconds: nanos / 1_000_000_000n, nanos: Number(nanos % 1_000_000_000n) });
}
