import type { AppsV1Api, V1DaemonSet, V1PodTemplateSpec } from '@kubernetes/client-node';
import type { WorkloadObservation } from '../engine/observation.ts';
import { createOrPatch, type ApplyOutcome } from '../kube/create-or-patch.ts';
import type { OwnerIdentity } from '../kube/owner.ts';
import { mergePatchOptions } from '../kube/patch.ts';
import { primaryPodTemplate, primaryWorkloadMetadata, targetSelector, type PrimaryOptions } from './primary.ts';
import { ownedWorkloadPatch } from './workload-patch.ts';
import { daemonSetAccess } from './object-access.ts';
import { primarySelector } from './managed-labels.ts';

/**
 * A DaemonSet target, as Flagger handles one: it cannot be scaled, so "scaling to zero" gives its pods a
 * node selector no node has, and scaling up removes it again; that selector is not part of the release.
 * The primary is a DaemonSet `<name>-primary` with the target's pod template.
 */

/** The node selector that keeps a DaemonSet's pods off every node; Flagger's own key is removed too. */
const SCALE_TO_ZERO_KEY = 'kanari.dev/scale-to-zero';
const FLAGGER_SCALE_TO_ZERO_KEY = 'flagger.app/scale-to-zero';

/** The target's pod template without the scale-to-zero selector: what its revision is computed from. */
export function daemonSetTemplate(daemonSet: V1DaemonSet): V1PodTemplateSpec {
  const template = structuredClone(daemonSet.spec?.template ?? {});
  const selector = { ...template.spec?.nodeSelector };
  delete selector[SCALE_TO_ZERO_KEY];
  delete selector[FLAGGER_SCALE_TO_ZERO_KEY];
  if (template.spec) template.spec.nodeSelector = Object.keys(selector).length > 0 ? selector : undefined;
  return template;
}

/** A DaemonSet's numbers in the engine's terms: one replica per node it should run on. */
export function observeDaemonSet(daemonSet: V1DaemonSet | undefined): WorkloadObservation {
  if (!daemonSet) {
    return { exists: false, desiredReplicas: 0, replicas: 0, updatedReplicas: 0, readyReplicas: 0, availableReplicas: 0, observedGenerationCurrent: false };
  }
  const status = daemonSet.status;
  const desired = status?.desiredNumberScheduled ?? 0;
  return {
    exists: true,
    desiredReplicas: desired,
    // A rolling update replaces the pod on each node, so no old pods outnumber the desired ones.
    replicas: desired,
    updatedReplicas: status?.updatedNumberScheduled ?? 0,
    readyReplicas: status?.numberReady ?? 0,
    availableReplicas: status?.numberAvailable ?? 0,
    observedGenerationCurrent: (status?.observedGeneration ?? 0) >= (daemonSet.metadata?.generation ?? 0),
  };
}

/** Adds (`zero`) or removes (`up`) the scale-to-zero node selector; a no-op when already so. */
export async function scaleDaemonSet(apps: AppsV1Api, daemonSet: V1DaemonSet, to: 'up' | 'zero'): Promise<void> {
  const selector = daemonSet.spec?.template?.spec?.nodeSelector ?? {};
  const ours = SCALE_TO_ZERO_KEY in selector;
  const flaggers = FLAGGER_SCALE_TO_ZERO_KEY in selector;
  if (to === 'zero' ? ours && !flaggers : !ours && !flaggers) return;
  const nodeSelector = { [SCALE_TO_ZERO_KEY]: to === 'zero' ? 'true' : null, [FLAGGER_SCALE_TO_ZERO_KEY]: null };
  const body = { spec: { template: { spec: { nodeSelector } } } };
  await apps.patchNamespacedDaemonSet({ name: daemonSet.metadata!.name!, namespace: daemonSet.metadata!.namespace!, body }, mergePatchOptions());
}

/** The primary DaemonSet `<target>-primary`, owned by the Canary. */
export function primaryDaemonSet(target: V1DaemonSet, owner: OwnerIdentity, options: PrimaryOptions): V1DaemonSet {
  const selector = targetSelector({ ...target, kind: 'DaemonSet' });
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: primaryWorkloadMetadata(target.metadata, selector, owner, options),
    spec: {
      selector: { matchLabels: primarySelector(selector) },
      template: primaryPodTemplate({ ...target, kind: 'DaemonSet' }, options, daemonSetTemplate(target)),
      minReadySeconds: target.spec?.minReadySeconds,
      revisionHistoryLimit: target.spec?.revisionHistoryLimit,
      updateStrategy: target.spec?.updateStrategy,
    },
  };
}

/** Creates or adopts the primary DaemonSet; promotion is this same call with the canary's template. */
export async function applyPrimaryDaemonSet(apps: AppsV1Api, target: V1DaemonSet, owner: OwnerIdentity, options: PrimaryOptions): Promise<ApplyOutcome> {
  const desired = primaryDaemonSet(target, owner, options);
  const name = desired.metadata!.name!;
  const namespace = desired.metadata!.namespace!;
  const { outcome } = await createOrPatch<V1DaemonSet>(daemonSetAccess(apps, name, namespace), desired, (current) => ownedWorkloadPatch(current, desired, owner));
  return outcome;
}
