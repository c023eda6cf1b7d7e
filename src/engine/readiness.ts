import type { WorkloadObservation } from './observation.ts';

/**
 * Flagger's Deployment readiness: the rollout is finished (every replica updated, no old ones left,
 * the controller has seen the spec) and at least `thresholdPercent` of the updated replicas are available.
 */
export function isWorkloadReady(workload: WorkloadObservation | undefined, thresholdPercent: number): boolean {
  if (workload === undefined || !workload.exists || !workload.observedGenerationCurrent) return false;
  if (workload.updatedReplicas < workload.desiredReplicas) return false;
  if (workload.replicas > workload.updatedReplicas) return false;
  const needed = Math.ceil((workload.updatedReplicas * thresholdPercent) / 100);
  return workload.availableReplicas >= needed;
}
