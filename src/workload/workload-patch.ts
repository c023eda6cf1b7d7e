import type { V1ObjectMeta, V1PodTemplateSpec } from '@kubernetes/client-node';
import { withOwner, type OwnerIdentity } from '../kube/owner.ts';
import { replacingPatch, stringMapPatch } from '../kube/patch.ts';
import { stableJson } from '../text/stable-json.ts';

interface Workload {
  metadata?: V1ObjectMeta;
  spec?: { template?: V1PodTemplateSpec };
}

/**
 * What a workload Kanari owns needs patched to become `desired`: its labels and annotations merged
 * (only those `desired` has, when it has them), the Canary as owner, and the pod template, which is
 * Kanari's entirely (a merge patch merges maps, so replacing it means nulling what the old one had and
 * the new lacks). Undefined when it is in line.
 */
export function ownedWorkloadPatch(current: Workload, desired: Workload, owner: OwnerIdentity): { metadata: V1ObjectMeta; spec: { template?: unknown } } | undefined {
  const labels = desired.metadata?.labels && stringMapPatch(current.metadata?.labels, desired.metadata.labels);
  const annotations = desired.metadata?.annotations && stringMapPatch(current.metadata?.annotations, desired.metadata.annotations);
  const ownerReferences = withOwner(current.metadata, owner);
  const templateChanged = !sameTemplate(current.spec?.template, desired.spec!.template!);
  if (!labels && !annotations && !ownerReferences && !templateChanged) return undefined;
  return { metadata: { labels, annotations, ownerReferences } as V1ObjectMeta, spec: templateChanged ? { template: replacingPatch(current.spec?.template, desired.spec!.template) } : {} };
}

/** Compares what Kanari wrote with what the server returns, ignoring the server's defaults on the way back. */
export function sameTemplate(current: V1PodTemplateSpec | undefined, desired: V1PodTemplateSpec): boolean {
  if (!current) return false;
  return stableJson(projectOnto(current, desired)) === stableJson(desired);
}

/** The parts of `actual` that `shape` has, recursively (arrays compared by position). */
function projectOnto(actual: unknown, shape: unknown): unknown {
  if (Array.isArray(shape)) {
    if (!Array.isArray(actual) || actual.length !== shape.length) return actual;
    return shape.map((s, i) => projectOnto(actual[i], s));
  }
  if (shape === null || typeof shape !== 'object') return actual;
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return actual;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(shape)) {
    const value = (actual as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = projectOnto(value, (shape as Record<string, unknown>)[key]);
  }
  return out;
}
