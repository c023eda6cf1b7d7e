import type { ErrorObject } from 'ajv';
import { DURATION_PATTERN } from './duration.ts';
import { PERCENT_PATTERN } from './percent.ts';
import { mayShowValueAt, renderValue } from './offending-value.ts';
import { pathSegments } from './field-path.ts';
import { childPath, type ValidationError } from './validation-error.ts';

/**
 * Turns ajv's errors into field-path messages a person reads, each with the value given (ajv runs with
 * `verbose`, so errors carry it); duplicates collapse to one.
 */
export function messagesFromAjv(errors: readonly ErrorObject[]): ValidationError[] {
  const seen = new Set<string>();
  const result: ValidationError[] = [];
  for (const error of errors) {
    const converted = withValue(convert(error), error);
    if (!converted) continue;
    const key = `${converted.path}\u0000${converted.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(converted);
  }
  return result;
}

/** JSON pointer (`/spec/analysis/metrics/0`) → `spec.analysis.metrics[0]`. */
export function pathFromPointer(pointer: string): string {
  if (!pointer) return '';
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<string>((path, segment) => childPath(path, /^\d+$/.test(segment) ? Number(segment) : segment), '');
}

/** The offending value of an error: none for a missing field, the unknown field's own value, else the data ajv checked. */
function withValue(converted: ValidationError | undefined, error: ErrorObject): ValidationError | undefined {
  if (!converted || error.keyword === 'required' || !mayShowValueAt(pathSegments(converted.path))) return converted;
  const data: unknown =
    error.keyword === 'additionalProperties'
      ? (error.data as Record<string, unknown> | undefined)?.[String((error.params as { additionalProperty?: unknown }).additionalProperty)]
      : error.data;
  // A type error says what was given even when it is a list or a map; other rules are about scalars.
  const value = renderValue(data, error.keyword === 'type' || error.keyword === 'x-kubernetes-int-or-string');
  return value === undefined ? converted : { ...converted, value };
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

function convert(error: ErrorObject): ValidationError | undefined {
  const path = pathFromPointer(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const schema = (error.parentSchema ?? {}) as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path: childPath(path, String(params.missingProperty)), message: 'is required' };
    case 'additionalProperties':
      return { path: childPath(path, String(params.additionalProperty)), message: 'is not a known field' };
    case 'enum':
      return { path, message: `must be one of: ${(params.allowedValues as unknown[]).map((v) => (v === '' ? '""' : String(v))).join(', ')}` };
    case 'const':
      return { path, message: `must be ${String(params.allowedValue)}` };
    case 'type':
      return { path, message: `must be ${describeTypes(params.type)}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, message: rangeMessage(schema) };
    case 'minLength':
      return { path, message: params.limit === 1 ? 'must not be empty' : `must be at least ${params.limit} characters long` };
    case 'maxLength':
      return { path, message: `must be at most ${params.limit} characters long` };
    case 'minItems':
      return { path, message: params.limit === 1 ? 'must not be an empty list' : `must have at least ${params.limit} items` };
    case 'maxItems':
      return { path, message: `must have at most ${params.limit} items` };
    case 'pattern':
      return {
        path,
        message:
          params.pattern === DURATION_PATTERN
            ? 'must be a duration: a number with a unit, e.g. 30s, 1m30s, 1h, 500ms'
            : params.pattern === PERCENT_PATTERN
              ? 'must be a percentage, e.g. 20% or 99.5%'
              : `must match the pattern ${String(params.pattern)}`,
      };
    case 'x-kubernetes-int-or-string':
      return { path, message: 'must be a whole number or a string' };
    default:
      return { path, message: error.message ?? `breaks the schema rule ${error.keyword}` };
  }
}

function describeTypes(type: unknown): string {
  const types = String(type).split(',');
  return types.map((t) => TYPE_NAMES[t] ?? t).join(' or ');
}

function rangeMessage(schema: Record<string, unknown>): string {
  const min = schema.minimum as number | undefined;
  const max = schema.maximum as number | undefined;
  if (min !== undefined && max !== undefined) return `must be between ${min} and ${max}`;
  if (min !== undefined) return `must be at least ${min}`;
  if (max !== undefined) return `must be at most ${max}`;
  if (schema.exclusiveMinimum !== undefined) return `must be greater than ${String(schema.exclusiveMinimum)}`;
  return `must be less than ${String(schema.exclusiveMaximum)}`;
}
