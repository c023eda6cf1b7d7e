import type { AppsV1Api, V1Deployment } from '@kubernetes/client-node';
import { baselineName } from '../api/names.ts';
import { createOrPatch, type ApplyOutcome } from '../kube/create-or-patch.ts';
import { controllerReference, withOwner, type OwnerIdentity } from '../kube/owner.ts';
import { replacingPatch } from '../kube/patch.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from './managed-labels.ts';
import { targetSelector } from './primary.ts';
import { sameTemplate } from './workload-patch.ts';
import { deploymentAccess } from './object-access.ts';

/**
 * The baseline of a run with `analysis.baseline`: a fresh copy of the primary (its pod template, its
 * configs) at the canary's size, started with the canary, so the judge compares two deployments of the
 * same age and size instead of a canary with a long-running, warm primary (Kayenta's advice). Its pods
 * carry the target's selector values suffixed `-baseline`, so neither the primary's nor the canary's
 * Service selects them, and its own `-baseline` Service does.
 */

/** The selector labels of the baseline pods: every target selector value suffixed `-baseline`. */
export function baselineSelector(target: V1Deployment): Record<string, string> {
  return Object.fromEntries(Object.entries(targetSelector(target)).map(([key, value]) => [key, baselineName(value)]));
}

/** The baseline Deployment `<target>-baseline`: the primary's pod template under baseline labels, owned by the Canary. */
export function baselineDeployment(target: V1Deployment, primary: V1Deployment, owner: OwnerIdentity, replicas: number): V1Deployment {
  const selector = baselineSelector(target);
  const template = structuredClone(primary.spec?.template ?? {});
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, ...selector } };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: baselineName(target.metadata?.name ?? ''),
      namespace: target.metadata?.namespace,
      labels: { ...primary.metadata?.labels, ...selector, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
      ownerReferences: [controllerReference(owner)],
    },
    spec: {
      replicas,
      selector: { matchLabels: selector },
      template,
      minReadySeconds: primary.spec?.minReadySeconds,
      progressDeadlineSeconds: primary.spec?.progressDeadlineSeconds,
      strategy: primary.spec?.strategy,
    },
  };
}

/** True when the cached baseline already is what `desired` says (nothing to write). */
export function baselineUpToDate(current: V1Deployment | undefined, desired: V1Deployment): boolean {
  return current !== undefined && current.spec?.replicas === desired.spec?.replicas && sameTemplate(current.spec?.template, desired.spec!.template);
}

/** Creates the baseline, or brings its replicas and pod template in line; the selector is never touched (immutable). */
export async function applyBaselineDeployment(apps: AppsV1Api, desired: V1Deployment, owner: OwnerIdentity): Promise<ApplyOutcome> {
  const name = desired.metadata!.name!;
  const namespace = desired.metadata!.namespace!;
  const { outcome } = await createOrPatch<V1Deployment>(
    deploymentAccess(apps, name, namespace),
    desired,
    (current) => {
      const ownerReferences = withOwner(current.metadata, owner);
      const templateChanged = !sameTemplate(current.spec?.template, desired.spec!.template);
      const replicas = current.spec?.replicas !== desired.spec?.replicas ? desired.spec?.replicas : undefined;
      if (!ownerReferences && !templateChanged && replicas === undefined) return undefined;
      const spec: Record<string, unknown> = {};
      if (templateChanged) spec.template = replacingPatch(current.spec?.template, desired.spec!.template);
      if (replicas !== undefined) spec.replicas = replicas;
      return { metadata: { ownerReferences }, spec };
    },
  );
  return outcome;
}
