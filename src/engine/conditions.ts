import type { CanaryCondition, CanaryPhase, CanaryStatus, ConditionType } from '../api/canary-status.ts';
import { failureSentence } from './failure-reasons.ts';

/**
 * kstatus conditions (`Ready`, `Reconciling`, `Stalled`) plus `Promoted`, each stamped with the
 * generation it describes, so Flux (kstatus) and Argo CD can tell a release under way from a promoted
 * one and from a failed one without knowing Kanari's phases. At every tick exactly one of `Ready=True`,
 * `Reconciling=True` and `Stalled=True` holds:
 *
 * - `Ready=True` only when the target's current revision is promoted (Initialized, Succeeded);
 * - `Reconciling=True` from the moment a new revision is detected until its run ends (and while
 *   Kanari waits for something outside the Canary: a missing target, an unserved traffic API);
 * - `Stalled=True` when a run was rolled back (until a new revision or a retry), when initialization
 *   passed its deadline, or when the spec is invalid (until it is fixed).
 */

/** Why the Canary cannot make progress, for `Ready=False`. */
export interface ReadinessProblem {
  reason: string;
  message: string;
}

/** Reasons on Ready=False that come from metric providers; they persist until the next measurement. */
export const METRIC_PROBLEM_PREFIX = 'Metrics';

/** Problems only a change to the Canary can clear: Stalled, not Reconciling (kstatus: no progress without a new spec). */
const SPEC_PROBLEMS: ReadonlySet<string> = new Set(['InvalidSpec']);

/** Phases of a run under way (or of the first one): the Canary is Reconciling. */
const RUN_PHASES: ReadonlySet<CanaryPhase> = new Set(['', 'Initializing', 'Waiting', 'Progressing', 'WaitingPromotion', 'Promoting', 'Finalising', 'Terminating', 'Terminated']);

/** What the engine learned this tick about readiness. `metrics`: null = measured fine, undefined = not measured. */
export interface ConditionInputs {
  generation: number | undefined;
  now: string;
  problem?: ReadinessProblem;
  metricsProblem?: ReadinessProblem | null;
  initializationStalled?: boolean;
}

/** The status with its four conditions recomputed; transition times move only when a condition's status does. */
export function withConditions(status: CanaryStatus, inputs: ConditionInputs): CanaryStatus {
  const previous = status.conditions ?? [];
  const stalled = stalledCondition(status, inputs);
  const reconciling = reconcilingCondition(status, inputs, stalled.status === 'True');
  const conditions = [
    stamp('Ready', readyCondition(status, previous, inputs, stalled, reconciling), previous, inputs),
    stamp('Promoted', promotedCondition(status), previous, inputs),
    stamp('Stalled', stalled, previous, inputs),
    stamp('Reconciling', reconciling, previous, inputs),
  ];
  return { ...status, observedGeneration: inputs.generation ?? status.observedGeneration, conditions };
}

/** The condition of `type`, if present. */
export function findCondition(status: CanaryStatus, type: ConditionType): CanaryCondition | undefined {
  return status.conditions?.find((condition) => condition.type === type);
}

type Verdict = Pick<CanaryCondition, 'status' | 'reason' | 'message'>;

function stalledCondition(status: CanaryStatus, inputs: ConditionInputs): Verdict {
  if (inputs.problem !== undefined && SPEC_PROBLEMS.has(inputs.problem.reason)) return { status: 'True', ...inputs.problem };
  if (status.phase === 'Failed') {
    return {
      status: 'True',
      reason: status.failureReason ?? 'Failed',
      message: `${failureSentence(status.failureReason)}; revision ${status.lastAppliedSpec ?? ''} was rolled back, and a new revision or a retry starts another run.`,
    };
  }
  if (inputs.initializationStalled) {
    return { status: 'True', reason: 'ProgressDeadlineExceeded', message: 'The primary did not become ready within progressDeadlineSeconds.' };
  }
  return { status: 'False', reason: 'NotStalled', message: 'Not stalled.' };
}

function reconcilingCondition(status: CanaryStatus, inputs: ConditionInputs, stalled: boolean): Verdict {
  if (stalled) return { status: 'False', reason: 'Stalled', message: 'Kanari makes no progress until the Stalled condition clears.' };
  if (inputs.problem !== undefined) return { status: 'True', ...inputs.problem };
  const phase = status.phase ?? '';
  if (RUN_PHASES.has(phase)) return { status: 'True', reason: phase || 'New', message: runMessage(status) };
  return { status: 'False', reason: 'Promoted', message: `Revision ${status.lastPromotedSpec ?? ''} is promoted.` };
}

function readyCondition(status: CanaryStatus, previous: CanaryCondition[], inputs: ConditionInputs, stalled: Verdict, reconciling: Verdict): Verdict {
  if (inputs.problem !== undefined) return { status: 'False', ...inputs.problem };
  if (stalled.status === 'True') return { status: 'False', reason: stalled.reason, message: stalled.message };
  if (reconciling.status === 'False') return { status: 'True', reason: 'Ready', message: `Revision ${status.lastPromotedSpec ?? ''} is promoted and serves all traffic.` };
  // During a run a metric provider's trouble is the most useful thing to say; it stays until a measurement succeeds.
  if (inputs.metricsProblem) return { status: 'False', ...inputs.metricsProblem };
  const before = previous.find((c) => c.type === 'Ready');
  if (inputs.metricsProblem === undefined && before?.status === 'False' && before.reason?.startsWith(METRIC_PROBLEM_PREFIX)) {
    return { status: 'False', reason: before.reason, message: before.message };
  }
  return { status: 'False', reason: reconciling.reason, message: reconciling.message };
}

function runMessage(status: CanaryStatus): string {
  switch (status.phase ?? '') {
    case '':
    case 'Initializing':
      return 'Creating the primary Deployment, the Services and the route; waiting for the primary to be ready.';
    case 'Terminating':
    case 'Terminated':
      return 'The Canary is being deleted: the target is restored and the primary removed.';
    default:
      return `Revision ${status.lastAppliedSpec ?? ''} is being rolled out (${status.phase}, canary weight ${status.canaryWeight ?? 0}).`;
  }
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
