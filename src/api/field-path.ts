/**
 * Field paths as validation messages write them (`spec.analysis.metrics[0].name`,
 * `spec.analysis.match[0].headers["x-canary"]`), read back into their keys, so a message can be tied to
 * the value it is about and to the line of the file that holds it.
 */

/** A path's keys in order: names of fields and indices of list items. */
export type FieldPathSegment = string | number;

const SEGMENT = /\.?([A-Za-z_][\w-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/gy;

/** `spec.analysis.metrics[0].name` → ['spec', 'analysis', 'metrics', 0, 'name']; the inverse of childPath. */
export function pathSegments(path: string): FieldPathSegment[] {
  const segments: FieldPathSegment[] = [];
  SEGMENT.lastIndex = 0;
  let match: RegExpExecArray | null;
  while (SEGMENT.lastIndex < path.length && (match = SEGMENT.exec(path)) !== null) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(JSON.parse(match[3]) as string);
  }
  return segments;
}

/** The value at `segments` in `object`, or undefined when any step is missing. */
export function valueAt(object: unknown, segments: readonly FieldPathSegment[]): unknown {
  let current: unknown = object;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** True when `path` is `ancestor` itself or lies below it (`a.b[0]` is within `a.b` and `a`, not `a.bc`). */
export function isWithin(path: string, ancestor: string): boolean {
  if (ancestor === '') return true;
  return path === ancestor || path.startsWith(`${ancestor}.`) || path.startsWith(`${ancestor}[`);
}
