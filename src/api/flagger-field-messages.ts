import type { ErrorObject } from 'ajv';
import { FLAGGER_VALUES, lookupFlaggerField } from './flagger-fields.ts';

/**
 * A Canary written for Flagger fails Kanari's schema on the fields Kanari refuses ("is not a known
 * field", "must be one of"). These errors get the field table's words instead: what the field did in
 * Flagger and what to write in Kanari, the same text `kanari convert` prints.
 */
export function explainFlaggerFields(errors: readonly ErrorObject[], object: unknown): ErrorObject[] {
  return errors.map((error) => {
    if (error.keyword === 'additionalProperties') return explainUnknownField(error);
    if (error.keyword === 'enum') return explainRefusedValue(error, object);
    return error;
  });
}

function explainUnknownField(error: ErrorObject): ErrorObject {
  const property = String((error.params as { additionalProperty?: unknown }).additionalProperty);
  const segments = [...pointerSegments(error.instancePath), property];
  const { row } = lookupFlaggerField(segments);
  if (!row || row.outcome === 'same') return error;
  return { ...error, keyword: 'flaggerField', instancePath: `${error.instancePath}/${escapePointer(property)}`, message: row.text };
}

function explainRefusedValue(error: ErrorObject, object: unknown): ErrorObject {
  const segments = pointerSegments(error.instancePath);
  const value = valueAt(object, segments);
  if (typeof value !== 'string') return error;
  const tablePath = tablePathOf(segments);
  const written = value === '' ? '""' : value;
  const row = FLAGGER_VALUES.find((v) => v.path === tablePath && v.value === written && v.outcome !== 'same');
  return row ? { ...error, keyword: 'flaggerValue', message: row.text } : error;
}

/** `['spec', 'analysis', 'alerts', 0, 'severity']` → `spec.analysis.alerts[].severity`, as the value table writes paths. */
function tablePathOf(segments: ReadonlyArray<string | number>): string {
  return segments.reduce<string>((path, s) => (typeof s === 'number' ? `${path}[]` : path ? `${path}.${s}` : s), '');
}

function pointerSegments(pointer: string): Array<string | number> {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function valueAt(object: unknown, segments: ReadonlyArray<string | number>): unknown {
  let current = object;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}
