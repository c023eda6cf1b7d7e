import type { AppsV1Api, V1Deployment } from '@kubernetes/client-node';
import { mergePatchOptions } from '../kube/patch.ts';
import { ORIGINAL_REPLICAS_ANNOTATION } from './managed-labels.ts';

/**
 * Sets a Deployment's `spec.replicas` by merge patch (works on servers without the scale subresource).
 * Scaling to zero remembers the previous count in an annotation, so scale-up and revert restore it.
 */
export async function scaleDeployment(apps: AppsV1Api, deployment: V1Deployment, replicas: number): Promise<void> {
  const name = deployment.metadata!.name!;
  const namespace = deployment.metadata!.namespace!;
  const current = deployment.spec?.replicas ?? 1;
  const remember = replicas === 0 && current > 0 ? String(current) : undefined;
  if (current === replicas && remember === undefined) return;
  const body: Record<string, unknown> = { spec: { replicas } };
  if (remember !== undefined) body.metadata = { annotations: { [ORIGINAL_REPLICAS_ANNOTATION]: remember } };
  await apps.patchNamespacedDeployment({ name, namespace, body }, mergePatchOptions());
}

/**
 * How many replicas a scaled-to-zero target should come back with: what it had before Kanari scaled it
 * down, else the HPA's minimum, else the primary's count, else one.
 */
export function scaleUpReplicas(target: V1Deployment, hpaMinReplicas: number | undefined, primaryReplicas: number | undefined): number {
  const current = target.spec?.replicas ?? 1;
  if (current > 0) return current;
  const remembered = Number(target.metadata?.annotations?.[ORIGINAL_REPLICAS_ANNOTATION]);
  if (Number.isInteger(remembered) && remembered > 0) return remembered;
  if (hpaMinReplicas !== undefined && hpaMinReplicas > 0) return hpaMinReplicas;
  if (primaryReplicas !== undefined && primaryReplicas > 0) return primaryReplicas;
  return 1;
}
