import type { ErrorObject } from 'ajv';
import { childPath } from './validation-error.ts';

/**
 * So that one run of `validate` reports every problem of an object, the rules a schema cannot say also
 * run on an object the schema rejected. They are written for the schema's shapes and valid values, so
 * they get a copy in which each value the schema rejected is set aside (an empty map or list where one
 * belongs, else nothing) and each missing map or list the schema requires is an empty one: a rule then
 * never compares a valid field with a rejected one. Rule errors about what was changed are left to the
 * schema's own errors.
 */

/** The copy the rules read, and the field paths changed in it. */
export interface Salvaged {
  object: unknown;
  changed: string[];
}

/** How often the schema is asked again: a map put in place of a wrong value can lack required fields of its own. */
const MAX_ROUNDS = 8;

/**
 * A copy of `object` with the shapes the schema's errors name made readable for the rules; `check`
 * validates a candidate again and returns its errors (none when it passes).
 */
export function salvageForRules(object: unknown, check: (candidate: unknown) => readonly ErrorObject[]): Salvaged {
  const copy: unknown = structuredClone(object);
  const changed: string[] = [];
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const before = changed.length;
    salvageOnce(copy, check(copy), changed);
    if (changed.length === before) break;
  }
  return { object: copy, changed };
}

// Each field is set aside once: an empty list that is still too short stays as it is.
function salvageOnce(copy: unknown, errors: readonly ErrorObject[], changed: string[]): void {
  for (const error of errors) {
    if (error.keyword === 'additionalProperties') continue;
    const required = error.keyword === 'required';
    const missing = required ? String((error.params as { missingProperty?: unknown }).missingProperty) : undefined;
    const keys = [...pointerKeys(error.instancePath), ...(missing === undefined ? [] : [missing])];
    const path = keys.reduce<string>((parent, key) => childPath(parent, /^\d+$/.test(key) ? Number(key) : key), '');
    if (keys.length === 0 || changed.includes(path)) continue;
    let replacement: unknown;
    if (missing !== undefined) {
      // Only a missing map or list is put in place; a missing scalar is read as absent anyway.
      replacement = emptyOf(((error.parentSchema ?? {}) as { properties?: Record<string, { type?: unknown }> }).properties?.[missing]?.type);
      if (replacement === undefined) continue;
    } else {
      // A wrong type gives way to an empty value of the right one; a wrong value of the right type to nothing, or an empty container.
      replacement = error.keyword === 'type' ? emptyOf(error.params.type) : emptyLike(error.data);
    }
    if (replaceAt(copy, keys, replacement)) changed.push(path);
  }
}

// An empty value of the expected type when it is a container; undefined means "remove the value".
function emptyOf(type: unknown): unknown {
  const types = String(type ?? '').split(',');
  if (types.includes('object')) return {};
  if (types.includes('array')) return [];
  return undefined;
}

function emptyLike(value: unknown): unknown {
  if (Array.isArray(value)) return [];
  if (typeof value === 'object' && value !== null) return {};
  return undefined;
}

function pointerKeys(pointer: string): string[] {
  return pointer === '' ? [] : pointer.split('/').slice(1).map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'));
}

// Sets (or, for undefined, removes) the value at `keys`; false when its parent is not there. A list
// item is removed by leaving a hole, so the indices of the items after it, and their paths, stay.
function replaceAt(root: unknown, keys: string[], value: unknown): boolean {
  let parent = root;
  for (const key of keys.slice(0, -1)) {
    if (typeof parent !== 'object' || parent === null) return false;
    parent = (parent as Record<string, unknown>)[key];
  }
  if (typeof parent !== 'object' || parent === null) return false;
  const last = keys[keys.length - 1];
  const container = parent as Record<string, unknown>;
  if (value === undefined) delete container[last];
  else container[last] = value;
  return true;
}
