/**
 * The Deployment status the real deployment controller would write, computed from what the simulated
 * kubelet runs. Flagger-style controllers read exactly these fields to decide readiness and deadlines.
 */

/** A Deployment condition as the API stores it. */
export interface DeploymentCondition {
  type: 'Available' | 'Progressing';
  status: 'True' | 'False';
  reason: string;
  message: string;
  lastUpdateTime: string;
  lastTransitionTime: string;
}

/** `status` of a Deployment. */
export interface DeploymentStatus {
  observedGeneration: number;
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  unavailableReplicas: number;
  conditions: DeploymentCondition[];
}

/** What the kubelet knows about one Deployment at one moment. */
export interface RolloutFacts {
  generation: number;
  desired: number;
  /** Every pod of every ReplicaSet of the Deployment. */
  total: number;
  /** Pods of the ReplicaSet of the current template. */
  updated: number;
  /** Ready pods of all ReplicaSets. */
  ready: number;
  /** Ready pods of the current ReplicaSet. */
  updatedReady: number;
  maxUnavailable: number;
  newReplicaSetName: string;
  /** Epoch ms of the last progress (a new ReplicaSet, a pod becoming ready). */
  lastProgressAt: number;
  progressDeadlineSeconds: number;
  now: number;
}

/** Reads `spec.strategy` into the number of pods that may be unavailable (25% of desired by default, rounded down). */
export function maxUnavailableOf(strategy: { type?: string; rollingUpdate?: { maxUnavailable?: number | string } } | undefined, desired: number): number {
  if (strategy?.type === 'Recreate') return desired;
  const value = strategy?.rollingUpdate?.maxUnavailable ?? '25%';
  if (typeof value === 'number') return Math.max(0, value);
  const percent = /^(\d+)%$/.exec(value);
  if (percent) return Math.floor((desired * Number(percent[1])) / 100);
  const plain = Number(value);
  return Number.isFinite(plain) ? Math.max(0, plain) : 0;
}

function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Whether the rollout is finished: every pod runs the current template and is ready. */
export function rolloutComplete(facts: RolloutFacts): boolean {
  return facts.updated === facts.desired && facts.total === facts.desired && facts.updatedReady === facts.desired;
}

/** Computes the status, keeping transition times of conditions whose status did not change. */
export function deploymentStatus(facts: RolloutFacts, previous: readonly DeploymentCondition[] = []): DeploymentStatus {
  const now = rfc3339(facts.now);
  const condition = (type: DeploymentCondition['type'], status: DeploymentCondition['status'], reason: string, message: string): DeploymentCondition => {
    const before = previous.find((c) => c.type === type);
    const same = before && before.status === status && before.reason === reason;
    return {
      type,
      status,
      reason,
      message,
      lastUpdateTime: same ? before.lastUpdateTime : now,
      lastTransitionTime: before && before.status === status ? before.lastTransitionTime : now,
    };
  };
  const available = facts.ready;
  const minimumAvailable = available >= facts.desired - facts.maxUnavailable;
  const rs = `ReplicaSet "${facts.newReplicaSetName}"`;
  let progressing: DeploymentCondition;
  if (rolloutComplete(facts)) {
    progressing = condition('Progressing', 'True', 'NewReplicaSetAvailable', `${rs} has successfully progressed.`);
  } else if (facts.now - facts.lastProgressAt > facts.progressDeadlineSeconds * 1000) {
    progressing = condition('Progressing', 'False', 'ProgressDeadlineExceeded', `${rs} has timed out progressing.`);
  } else {
    progressing = condition('Progressing', 'True', 'ReplicaSetUpdated', `${rs} is progressing.`);
  }
  return {
    observedGeneration: facts.generation,
    replicas: facts.total,
    updatedReplicas: facts.updated,
    readyReplicas: facts.ready,
    availableReplicas: available,
    unavailableReplicas: Math.max(0, facts.desired - available),
    conditions: [
      minimumAvailable
        ? condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
        : condition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
      progressing,
    ],
  };
}
