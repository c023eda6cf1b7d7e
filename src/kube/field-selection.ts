import type { KubernetesObject } from '@kubernetes/client-node';

/**
 * What an informer cache keeps of each object, as client-go's transform functions do: a cluster's
 * objects carry much that a controller never reads (managedFields, kubectl's copy of the last applied
 * manifest, status conditions), and holding thousands of them whole is most of a controller's memory.
 * `true` keeps a field whole; a nested selection keeps only the fields it names.
 */
export interface FieldSelection {
  readonly [field: string]: true | FieldSelection;
}

/** kubectl's copy of the whole manifest in an annotation: as big as the object, never read by Kanari. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The metadata every kind keeps: name and resourceVersion (the cache compares versions), labels and
 * annotations (selectors, Kanari's annotations), owners, finalizers and deletion. A kind that needs
 * more (a uid to own objects by, a generation to compare with observedGeneration) names it. Never
 * managedFields, which is often the largest part of an object.
 */
export const OBJECT_METADATA: FieldSelection = {
  name: true,
  namespace: true,
  resourceVersion: true,
  deletionTimestamp: true,
  labels: true,
  annotations: true,
  ownerReferences: true,
  finalizers: true,
};

/** Copies the selected fields of `value` into a new object; the input is not changed. */
export function selectFields(value: Record<string, unknown>, selection: FieldSelection): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field in selection) {
    const kept = value[field];
    if (kept === undefined || kept === null) continue;
    const nested = selection[field];
    out[field] = nested === true || typeof kept !== 'object' || Array.isArray(kept) ? kept : selectFields(kept as Record<string, unknown>, nested);
  }
  return out;
}

/**
 * An informer transform that keeps apiVersion, kind, the standard metadata (without kubectl's
 * last-applied annotation) and what `selection` names besides. Each kind passes its own field list, so a
 * new kind (a dashboard's, a router's) plugs in by saying what it reads.
 */
export function keepFields<T extends KubernetesObject>(selection: FieldSelection = {}): (obj: T) => T {
  const full: FieldSelection = { apiVersion: true, kind: true, ...selection, metadata: { ...OBJECT_METADATA, ...asSelection(selection.metadata) } };
  return (obj) => {
    const kept = selectFields(obj as Record<string, unknown>, full) as T;
    const annotations = kept.metadata?.annotations;
    if (annotations && LAST_APPLIED_ANNOTATION in annotations) {
      const { [LAST_APPLIED_ANNOTATION]: _dropped, ...rest } = annotations;
      kept.metadata!.annotations = rest;
    }
    return kept;
  };
}

function asSelection(selection: true | FieldSelection | undefined): FieldSelection {
  return selection === undefined || selection === true ? {} : selection;
}
