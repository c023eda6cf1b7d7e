import { PatchError } from './patch-error.ts';

export { PatchError } from './patch-error.ts';
export type { PatchErrorReason } from './patch-error.ts';

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

export const PATCH_CONTENT_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
] as const;

/** Applies a PATCH body of the given Content-Type to the current object and returns the new object; never mutates its inputs. */
export function applyPatch(opts: ApplyPatchOptions): Record<string, unknown> {
  const mediaType = opts.contentType.split(';')[0].trim().toLowerCase();
  if (!(PATCH_CONTENT_TYPES as readonly string[]).includes(mediaType)) {
    throw new PatchError(
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${PATCH_CONTENT_TYPES.join(', ')}`,
    );
  }
  throw new PatchError('UnsupportedMediaType', `${mediaType} is not implemented yet`);
}
