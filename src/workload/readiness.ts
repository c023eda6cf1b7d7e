import type { V1Deployment } from '@kubernetes/client-node';
import type { WorkloadObservation } from '../engine/observation.ts';

/** A Deployment's numbers as the engine observes them; a missing Deployment observes as not existing. */
export function observeDeployment(deployment: V1Deployment | undefined): WorkloadObservation {
  if (!deployment) {
    return { exists: false, desiredReplicas: 0, replicas: 0, updatedReplicas: 0, readyReplicas: 0, availableReplicas: 0, observedGenerationCurrent: false };
  }
  const status = deployment.status ?? {};
  return {
    exists: true,
    desiredReplicas: deployment.spec?.replicas ?? 1,
    replicas: status.replicas ?? 0,
    updatedReplicas: status.updatedReplicas ?? 0,
    readyReplicas: status.readyReplicas ?? 0,
    availableReplicas: status.availableReplicas ?? 0,
    observedGenerationCurrent: (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0),
  };
}

/** Whether a Deployment has finished rolling out, and if not, why (worded for a person). */
export interface Readiness {
  ready: boolean;
  reason?: string;
}

/**
 * Flagger's rule: the controller has seen the current spec, every replica is updated, no old replica
 * is left, and at least `thresholdPercent` of the updated replicas are available.
 */
export function deploymentReadiness(w: WorkloadObservation, thresholdPercent = 100): Readiness {
  if (!w.exists) return { ready: false, reason: 'deployment does not exist' };
  if (!w.observedGenerationCurrent) return { ready: false, reason: 'waiting for the deployment controller to observe the new spec' };
  if (w.updatedReplicas < w.desiredReplicas) return { ready: false, reason: `${w.updatedReplicas} of ${w.desiredReplicas} replicas updated` };
  if (w.replicas > w.updatedReplicas) return { ready: false, reason: `${w.replicas - w.updatedReplicas} old replicas pending termination` };
  const needed = Math.ceil((w.updatedReplicas * thresholdPercent) / 100);
  if (w.availableReplicas < needed) return { ready: false, reason: `${w.availableReplicas} of ${needed} updated replicas available` };
  return { ready: true };
}
