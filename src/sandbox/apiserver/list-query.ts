import { ApiError, badRequest } from './api-error.ts';
import { FieldSelector } from './field-selector.ts';
import type { JsonObject } from './json.ts';
import { parseLabelSelectorQuery } from './label-selector.ts';
import type { ObjectStore } from './object-store.ts';
import { apiVersionOf, groupResourceKey, type ResourceType } from './resource-type.ts';

export interface ListOptions {
  labelSelector: string | null;
  fieldSelector: string | null;
  limit: number | undefined;
  continueToken: string | null;
}

/**
 * A LIST of one collection (in a namespace or all of them): selected by labels and fields, in key order,
 * paged by limit and continue tokens. `show` presents each object as the list carries it.
 */
export function listObjects(store: ObjectStore, type: ResourceType, namespace: string | undefined, opts: ListOptions, show: (obj: JsonObject) => JsonObject): JsonObject {
  const labels = parseLabelSelectorQuery(opts.labelSelector);
  const fields = FieldSelector.parse(opts.fieldSelector, type.kind);
  const rv = store.resourceVersion;
  let start = '';
  let listRv = rv;
  if (opts.continueToken) {
    const token = decodeContinue(opts.continueToken);
    if (token.rv < store.oldestResumableVersion) {
      throw new ApiError(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
    }
    start = token.start;
    listRv = token.rv;
  }
  const all = store.list(groupResourceKey(type), namespace);
  const items: JsonObject[] = [];
  let remaining = 0;
  let lastKey = '';
  for (const obj of all) {
    const md = obj.metadata as JsonObject;
    const key = `${String(md.namespace ?? '')}/${String(md.name)}`;
    if (start !== '' && key <= start) continue;
    if (!labels.empty && !labels.matches(md.labels as Record<string, string> | undefined)) continue;
    if (!fields.empty && !fields.matches(obj)) continue;
    if (opts.limit !== undefined && opts.limit > 0 && items.length >= opts.limit) {
      remaining++;
      continue;
    }
    items.push(show(obj));
    lastKey = key;
  }
  const metadata: JsonObject = { resourceVersion: String(listRv) };
  if (remaining > 0) {
    metadata.continue = encodeContinue({ rv: listRv, start: lastKey });
    if (labels.empty && fields.empty) metadata.remainingItemCount = remaining;
  }
  return { kind: type.listKind, apiVersion: apiVersionOf(type), metadata, items };
}

export interface ContinueToken {
  rv: number;
  start: string;
}

/** The opaque continue token of a LIST page: where the next page starts, at which resourceVersion. */
export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: token.rv, start: token.start })).toString('base64url');
}

/** A continue token read back, or 400 as the real server answers a malformed one. */
export function decodeContinue(text: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { rv: unknown; start: unknown };
    if (typeof parsed.rv === 'number' && typeof parsed.start === 'string') return { rv: parsed.rv, start: parsed.start };
  } catch {
    // fall through to the real server's error
  }
  throw badRequest(`continue key is not valid: ${text}`);
}
