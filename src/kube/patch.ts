import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';

/** Per-request options of a client-node call (headers through middleware). */
export type RequestOptions = ReturnType<typeof setHeaderOptions>;

/**
 * Request options that make a client-node patch call a JSON merge patch. client-node 2.x sends JSON
 * Patch unless told otherwise, and a JSON Patch `replace` fails on a field that does not exist yet.
 */
export function mergePatchOptions(): RequestOptions {
  return setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
}

/**
 * A merge patch that makes `current`'s string map equal `desired` for the keys Kanari owns: sets the
 * desired keys and, for `owned` keys no longer desired, nulls them out. Foreign keys are left alone.
 */
export function stringMapPatch(
  current: Record<string, string> | undefined,
  desired: Record<string, string>,
  owned: readonly string[] = [],
): Record<string, string | null> | undefined {
  const patch: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(desired)) if (current?.[key] !== value) patch[key] = value;
  for (const key of owned) if (!(key in desired) && current && key in current) patch[key] = null;
  return Object.keys(patch).length > 0 ? patch : undefined;
}

/** Drops keys whose value is undefined, so a patch body carries only the fields meant to change. */
export function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key as keyof T] = v as T[keyof T];
  return out;
}

/** A merge patch that turns `current` into exactly `desired` (keys only in `current` become null). */
export function replacingPatch(current: unknown, desired: unknown): unknown {
  if (desired === null || typeof desired !== 'object' || Array.isArray(desired)) return desired;
  const patch: Record<string, unknown> = {};
  const cur = current !== null && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>) : {};
  for (const [key, value] of Object.entries(desired)) if (value !== undefined) patch[key] = replacingPatch(cur[key], value);
  for (const key of Object.keys(cur)) if (!(key in desired) || (desired as Record<string, unknown>)[key] === undefined) patch[key] = null;
  return patch;
}
