import type { AutoscalingV2Api, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { Canary } from '../api/canary.ts';
import { createOrPatch, type ApplyOutcome } from '../kube/create-or-patch.ts';
import { controllerReference, withOwner, type OwnerIdentity } from '../kube/owner.ts';
import { mergePatchOptions, stringMapPatch } from '../kube/patch.ts';
import { primaryCopyLabels } from './primary-metadata.ts';
import { primaryName } from '../api/names.ts';
import { stableJson } from '../text/stable-json.ts';

/**
 * The primary's HPA `<hpa>-primary`: the target HPA's spec pointed at the primary Deployment, with
 * `primaryScalerReplicas` overriding min/max. The target's own HPA keeps scaling the canary.
 */
export function primaryAutoscaler(canary: Canary, targetHpa: V2HorizontalPodAutoscaler, owner: OwnerIdentity, labelPrefixes: readonly string[] = []): V2HorizontalPodAutoscaler {
  const overrides = canary.spec.autoscalerRef?.primaryScalerReplicas;
  const spec = structuredClone(targetHpa.spec!);
  spec.scaleTargetRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: primaryName(canary.spec.targetRef.name) };
  if (overrides?.minReplicas !== undefined) spec.minReplicas = overrides.minReplicas;
  if (overrides?.maxReplicas !== undefined) spec.maxReplicas = overrides.maxReplicas;
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      name: primaryName(targetHpa.metadata?.name ?? ''),
      namespace: targetHpa.metadata?.namespace ?? canary.metadata.namespace,
      labels: primaryCopyLabels(targetHpa.metadata, labelPrefixes),
      ownerReferences: [controllerReference(owner)],
    },
    spec,
  };
}

/** Creates or keeps in sync the primary HPA; its spec is Kanari's, replaced whole when it drifts. */
export async function applyPrimaryAutoscaler(autoscaling: AutoscalingV2Api, desired: V2HorizontalPodAutoscaler, owner: OwnerIdentity): Promise<ApplyOutcome> {
  const name = desired.metadata!.name!;
  const namespace = desired.metadata!.namespace!;
  const { outcome } = await createOrPatch<V2HorizontalPodAutoscaler>(
    {
      read: () => autoscaling.readNamespacedHorizontalPodAutoscaler({ name, namespace }),
      create: (body) => autoscaling.createNamespacedHorizontalPodAutoscaler({ namespace, body }),
      patch: (body) => autoscaling.patchNamespacedHorizontalPodAutoscaler({ name, namespace, body }, mergePatchOptions()),
    },
    desired,
    (current) => {
      const labels = stringMapPatch(current.metadata?.labels, desired.metadata!.labels!);
      const ownerReferences = withOwner(current.metadata, owner);
      const d = desired.spec!;
      const c = current.spec;
      const specDiffers =
        !c ||
        c.minReplicas !== d.minReplicas ||
        c.maxReplicas !== d.maxReplicas ||
        stableJson(c.scaleTargetRef) !== stableJson(d.scaleTargetRef) ||
        stableJson(c.metrics ?? []) !== stableJson(d.metrics ?? []) ||
        (d.behavior !== undefined && stableJson(c.behavior) !== stableJson(d.behavior));
      if (!labels && !ownerReferences && !specDiffers) return undefined;
      return { metadata: { labels, ownerReferences }, spec: specDiffers ? d : undefined };
    },
  );
  return outcome;
}
