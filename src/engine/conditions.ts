import type { CanaryCondition, CanaryStatus, ConditionType } from '../api/canary-status.ts';
import { failureSentence } from './failure-reasons.ts';

/**
 * kstatus-style conditions (`Ready`, `Promoted`, `Stalled`), each stamped with the generation it
 * describes, so Flux and Argo CD health checks can read a Canary without knowing its phases.
 */

/** Why the Canary cannot make progress, for `Ready=False`. */
export interface ReadinessProblem {
  reason: string;
  message: string;
}

/** Reasons on Ready=False that come from metric providers; they persist until the next measurement. */
export const METRIC_PROBLEM_PREFIX = 'Metrics';

/** What the engine learned this tick about readiness. `metrics`: null = measured fine, undefined = not measured. */
export interface ConditionInputs {
  generation: number | undefined;
  now: string;
  problem?: ReadinessProblem;
  metricsProblem?: ReadinessProblem | null;
  initializationStalled?: boolean;
}

/** The status with its three conditions recomputed; transition times move only when a condition's status does. */
export function withConditions(status: CanaryStatus, inputs: ConditionInputs): CanaryStatus {
  const previous = status.conditions ?? [];
  const ready = readyCondition(status, previous, inputs);
  const promoted = promotedCondition(status);
  const stalled = stalledCondition(status, inputs);
  const conditions = [
    stamp('Ready', ready, previous, inputs),
    stamp('Promoted', promoted, previous, inputs),
    stamp('Stalled', stalled, previous, inputs),
  ];
  return { ...status, observedGeneration: inputs.generation ?? status.observedGeneration, conditions };
}

/** The condition of `type`, if present. */
export function findCondition(status: CanaryStatus, type: ConditionType): CanaryCondition | undefined {
  return status.conditions?.find((condition) => condition.type === type);
}

type Verdict = Pick<CanaryCondition, 'status' | 'reason' | 'message'>;

function readyCondition(status: CanaryStatus, previous: CanaryCondition[], inputs: ConditionInputs): Verdict {
  if (inputs.problem !== undefined) return { status: 'False', ...inputs.problem };
  if (inputs.metricsProblem) return { status: 'False', ...inputs.metricsProblem };
  const before = previous.find((c) => c.type === 'Ready');
  if (inputs.metricsProblem === undefined && before?.status === 'False' && before.reason?.startsWith(METRIC_PROBLEM_PREFIX)) {
    return { status: 'False', reason: before.reason, message: before.message };
  }
  return { status: 'True', reason: 'Ready', message: `Canary is ${status.phase || 'new'}` };
}

function promotedCondition(status: CanaryStatus): Verdict {
  switch (status.phase) {
    case 'Succeeded':
      return { status: 'True', reason: 'Succeeded', message: 'Canary analysis completed successfully, promotion finished.' };
    case 'Initialized':
      return { status: 'True', reason: 'Initialized', message: 'Deployment initialization completed.' };
    case 'Failed':
      return { status: 'False', reason: status.failureReason ?? 'Failed', message: `${failureSentence(status.failureReason)}; the primary was kept.` };
    case 'Waiting':
    case 'Progressing':
    case 'WaitingPromotion':
    case 'Promoting':
    case 'Finalising':
      return { status: 'False', reason: status.phase, message: `Revision ${status.lastAppliedSpec ?? ''} is being rolled out.` };
    default:
      return { status: 'Unknown', reason: status.phase || 'New', message: 'Not initialized yet.' };
  }
}

function stalledCondition(status: CanaryStatus, inputs: ConditionInputs): Verdict {
  if (status.phase === 'Failed') {
    return { status: 'True', reason: status.failureReason ?? 'Failed', message: `${failureSentence(status.failureReason)}; a new revision or a retry starts another run.` };
  }
  if (inputs.initializationStalled) {
    return { status: 'True', reason: 'ProgressDeadlineExceeded', message: 'The primary did not become ready within progressDeadlineSeconds.' };
  }
  return { status: 'False', reason: 'Progressing', message: 'Not stalled.' };
}

function stamp(type: ConditionType, verdict: Verdict, previous: CanaryCondition[], inputs: ConditionInputs): CanaryCondition {
  const before = previous.find((c) => c.type === type);
  const changed = before === undefined || before.status !== verdict.status;
  const same = !changed && before.reason === verdict.reason && before.message === verdict.message;
  return {
    type,
    ...verdict,
    observedGeneration: inputs.generation,
    lastTransitionTime: changed ? inputs.now : before.lastTransitionTime,
    lastUpdateTime: same ? before.lastUpdateTime : inputs.now,
  };
}
