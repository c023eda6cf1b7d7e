/**
 * kstatus's documented rules (sigs.k8s.io/cli-utils, pkg/kstatus: the generic rules Flux applies to a
 * custom resource it has no specific rule for), restated to judge a Canary as Flux's health check does:
 *
 * 1. `metadata.deletionTimestamp` set: Terminating.
 * 2. `status.observedGeneration` present and different from `metadata.generation`: InProgress.
 * 3. A `Reconciling` condition with status True: InProgress; a `Stalled` one with status True: Failed
 *    (the first of the two in the list decides).
 * 4. With `readyRule` (the README's fallback for resources that use only `Ready`): `Ready=False` is
 *    InProgress, `Ready=True` Current.
 * 5. Otherwise Current: the absence of the abnormal-true conditions means reconciled.
 */

export type KstatusStatus = 'Current' | 'InProgress' | 'Failed' | 'Terminating';

interface Condition {
  type?: string;
  status?: string;
}

interface Resource {
  metadata?: { generation?: number; deletionTimestamp?: unknown };
  status?: { observedGeneration?: number; conditions?: Condition[] };
}

/** The kstatus verdict for `resource`; `readyRule` adds the README's Ready-condition fallback. */
export function kstatus(resource: Resource, options: { readyRule: boolean }): KstatusStatus {
  if (resource.metadata?.deletionTimestamp) return 'Terminating';
  const generation = resource.metadata?.generation;
  const observed = resource.status?.observedGeneration;
  if (generation !== undefined && observed !== undefined && observed !== generation) return 'InProgress';
  const conditions = resource.status?.conditions ?? [];
  for (const condition of conditions) {
    if (condition.type === 'Reconciling' && condition.status === 'True') return 'InProgress';
    if (condition.type === 'Stalled' && condition.status === 'True') return 'Failed';
  }
  if (options.readyRule) {
    const ready = conditions.find((condition) => condition.type === 'Ready');
    if (ready?.status === 'False') return 'InProgress';
  }
  return 'Current';
}
