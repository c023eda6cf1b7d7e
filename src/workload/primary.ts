import type { AppsV1Api, V1Deployment, V1LabelSelector, V1ObjectMeta, V1PodTemplateSpec } from '@kubernetes/client-node';
import { createOrPatch, type ApplyOutcome } from '../kube/create-or-patch.ts';
import { controllerReference, type OwnerIdentity } from '../kube/owner.ts';
import { renameConfigRefs } from './config-refs.ts';
import { primarySelector } from './managed-labels.ts';
import { copiedAnnotations, primaryWorkloadLabels } from './primary-metadata.ts';
import { primarySchedulingSelectors } from './primary-selectors.ts';
import { ownedWorkloadPatch } from './workload-patch.ts';
import { deploymentAccess } from './object-access.ts';
import { primaryName } from '../api/names.ts';

/** How the primary is derived from the target. */
export interface PrimaryOptions {
  /** Configs that were copied as `<name>-primary`; only these references are rewritten. */
  copiedConfigMaps: ReadonlySet<string>;
  copiedSecrets: ReadonlySet<string>;
  /** Replicas to give the primary; undefined leaves them alone (an HPA owns them, or the primary exists). */
  replicas?: number;
  /** `--include-label-prefix`: which of the target's labels the primary object gets (none by default). */
  labelPrefixes?: readonly string[];
  /** The primary as the caller's cache has it (`current` undefined: not there); read from the API when absent. */
  known?: { current: V1Deployment | undefined };
}

/** What a primary is made from: a Deployment or a DaemonSet. */
export interface TargetWorkloadLike {
  kind?: string;
  metadata?: V1ObjectMeta;
  spec?: { selector?: V1LabelSelector; template?: V1PodTemplateSpec };
}

/** The selector labels of a target workload (`spec.selector.matchLabels`). */
export function targetSelector(target: TargetWorkloadLike): Record<string, string> {
  const labels = target.spec?.selector?.matchLabels;
  if (!labels || Object.keys(labels).length === 0) {
    throw new Error(`${target.kind ?? 'Deployment'} ${target.metadata?.name} has no spec.selector.matchLabels: Kanari needs them to tell primary pods from canary pods`);
  }
  return labels;
}

/**
 * The primary's pod template: the target's, with selector labels suffixed, copied configs renamed and
 * the scheduling selectors that pick the target's own pods pointed at the primary's.
 */
export function primaryPodTemplate(target: TargetWorkloadLike, options: PrimaryOptions, template: V1PodTemplateSpec = structuredClone(target.spec?.template ?? {})): V1PodTemplateSpec {
  const selector = targetSelector(target);
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, ...primarySelector(selector) } };
  if (template.spec) {
    template.spec = renameConfigRefs(template.spec, {
      configMap: (name) => (options.copiedConfigMaps.has(name) ? primaryName(name) : undefined),
      secret: (name) => (options.copiedSecrets.has(name) ? primaryName(name) : undefined),
    });
    template.spec = primarySchedulingSelectors(template.spec, selector);
  }
  return template;
}

/** The metadata of a primary workload (Deployment or DaemonSet) `<target>-primary`, owned by the Canary. */
export function primaryWorkloadMetadata(target: V1ObjectMeta | undefined, selector: Record<string, string>, owner: OwnerIdentity, options: PrimaryOptions): V1ObjectMeta {
  return {
    name: primaryName(target?.name ?? ''),
    namespace: target?.namespace,
    labels: primaryWorkloadLabels(target, selector, options.labelPrefixes ?? []),
    annotations: copiedAnnotations(target?.annotations),
    ownerReferences: [controllerReference(owner)],
  };
}

/** The primary Deployment `<target>-primary` for a target, owned by the Canary. */
export function primaryDeployment(target: V1Deployment, owner: OwnerIdentity, options: PrimaryOptions): V1Deployment {
  const selector = targetSelector(target);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: primaryWorkloadMetadata(target.metadata, selector, owner, options),
    spec: {
      replicas: options.replicas ?? target.spec?.replicas ?? 1,
      selector: { matchLabels: primarySelector(selector) },
      template: primaryPodTemplate(target, options),
      minReadySeconds: target.spec?.minReadySeconds,
      revisionHistoryLimit: target.spec?.revisionHistoryLimit,
      progressDeadlineSeconds: target.spec?.progressDeadlineSeconds,
      strategy: target.spec?.strategy,
    },
  };
}

/**
 * Creates or adopts the primary Deployment. The pod template is Kanari's entirely (a merge patch
 * replaces it when it differs); labels are merged, replicas set only when asked, the selector never
 * touched on an existing object (it is immutable). Promotion is this same call with the canary's spec.
 */
export async function applyPrimaryDeployment(apps: AppsV1Api, target: V1Deployment, owner: OwnerIdentity, options: PrimaryOptions): Promise<ApplyOutcome> {
  const desired = primaryDeployment(target, owner, options);
  const name = desired.metadata!.name!;
  const namespace = desired.metadata!.namespace!;
  const { outcome } = await createOrPatch<V1Deployment>(
    deploymentAccess(apps, name, namespace),
    desired,
    (current) => {
      const patch = ownedWorkloadPatch(current, desired, owner);
      const replicas = options.replicas !== undefined && current.spec?.replicas !== options.replicas ? options.replicas : undefined;
      if (replicas === undefined) return patch;
      return { metadata: patch?.metadata ?? {}, spec: { ...patch?.spec, replicas } };
    },
    options.known,
  );
  return outcome;
}
