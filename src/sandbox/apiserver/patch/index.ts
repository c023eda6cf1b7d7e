import { applyJsonPatch } from './json-patch.ts';
import { applyMergePatch } from './merge-patch.ts';
import { PatchError } from './patch-error.ts';
import { applyServerSide } from './server-side-apply.ts';
import { applyStrategicMergePatch } from './strategic-merge-patch.ts';

export { PatchError } from './patch-error.ts';
export type { PatchErrorCause, PatchErrorReason } from './patch-error.ts';

/** The kind being patched: strategic merge needs Go struct tags, which only built-in kinds have. */
export interface PatchTarget {
  group: string;
  version: string;
  kind: string;
  builtin: boolean;
}

export interface ApplyPatchOptions {
  contentType: string;
  /** The stored object, or undefined when it does not exist (only legal for apply-patch). */
  current: Record<string, unknown> | undefined;
  body: string;
  target: PatchTarget;
  fieldManager?: string;
  force?: boolean;
  /** RFC 3339 time recorded in managedFields. */
  now: string;
}

const JSON_PATCH = 'application/json-patch+json';
const MERGE_PATCH = 'application/merge-patch+json';
const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
const APPLY_PATCH = 'application/apply-patch+yaml';

/** The PATCH media types a kind accepts, in the order the real server lists them in its 415 message. */
export function patchContentTypes(target: PatchTarget): string[] {
  return target.builtin
    ? [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH]
    : [JSON_PATCH, MERGE_PATCH, APPLY_PATCH];
}

/** Applies a PATCH body of the given Content-Type to the current object and returns the new object; never mutates its inputs. */
export function applyPatch(opts: ApplyPatchOptions): Record<string, unknown> {
  const mediaType = opts.contentType.split(';')[0].trim().toLowerCase();
  const accepted = patchContentTypes(opts.target);
  if (!accepted.includes(mediaType)) {
    throw new PatchError(
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
    );
  }
  if (mediaType === APPLY_PATCH) {
    return applyServerSide({
      current: opts.current,
      body: opts.body,
      kind: opts.target.kind,
      builtin: opts.target.builtin,
      fieldManager: opts.fieldManager,
      force: opts.force,
      now: opts.now,
    });
  }
  if (opts.current === undefined) {
    throw new PatchError('NotFound', `${opts.target.kind} not found: only apply-patch can create an object`);
  }
  if (mediaType === JSON_PATCH) return applyJsonPatch(opts.current, opts.body);
  if (mediaType === MERGE_PATCH) return applyMergePatch(opts.current, opts.body);
  return applyStrategicMergePatch(opts.current, opts.body, opts.target.kind);
}
