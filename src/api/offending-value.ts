import { pathSegments, valueAt, type FieldPathSegment } from './field-path.ts';

/**
 * The value a validation message is about, as the message shows it: `spec.analysis.stepWeight = "ten"`.
 * Values that may carry a credential (URLs, addresses, headers, webhook metadata) are never shown, nor
 * long texts such as queries and templates, whose rule names the part that is wrong.
 */

/** Fields whose value is never echoed: addresses can hold tokens, queries and templates are long. */
const UNSHOWN_FIELDS = new Set(['url', 'address', 'proxy', 'metricsServer', 'query', 'template', 'secretRef', 'token', 'password']);
/** Maps below which values are never echoed: header values and webhook metadata carry tokens. */
const UNSHOWN_MAPS = new Set(['headers', 'metadata', 'annotations', 'labels', 'stringData', 'data']);

const MAX_SHOWN_CHARS = 60;

/** Whether the value at `segments` may appear in a message. Top-level `metadata.name` may; a webhook's `metadata` may not. */
export function mayShowValueAt(segments: readonly FieldPathSegment[]): boolean {
  const last = segments.at(-1);
  if (typeof last === 'string' && UNSHOWN_FIELDS.has(last)) return false;
  // The object's own metadata (its name) is shown; maps further down are someone's data.
  return !segments.some((segment, i) => i > 0 && i < segments.length - 1 && typeof segment === 'string' && UNSHOWN_MAPS.has(segment));
}

/**
 * The value at `path` in `object` as a message shows it, or undefined when there is nothing useful to
 * show: a missing value, one that may carry a secret, or a list or map (unless `describeShape`, for
 * type errors, where "a list" tells what was given instead of a number).
 */
export function shownValueAt(object: unknown, path: string, describeShape = false): string | undefined {
  if (path === '') return undefined;
  const segments = pathSegments(path);
  if (!mayShowValueAt(segments)) return undefined;
  return renderValue(valueAt(object, segments), describeShape);
}

/** A value as a message shows it: JSON for scalars (strings quoted, long ones cut), a word for a list or map. */
export function renderValue(value: unknown, describeShape = false): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return describeShape ? 'a list' : undefined;
  if (typeof value === 'object' && value !== null) return describeShape ? 'a map' : undefined;
  const text = JSON.stringify(value) ?? String(value);
  const chars = [...text];
  if (chars.length <= MAX_SHOWN_CHARS) return text;
  return `${chars.slice(0, MAX_SHOWN_CHARS - 2).join('')}…${typeof value === 'string' ? '"' : ''}`;
}
