import { isWorkloadReady } from '../readiness.ts';
import { classifyRevision } from '../revision.ts';
import type { TargetObservation } from '../observation.ts';
import { weightsFor } from '../strategy.ts';
import { ACTIVE_PHASES, type Tick } from '../tick.ts';

/**
 * A Canary's life outside the analysis: deletion, initialization (primary, services, route), and the
 * start, restart or cancellation of a run when the target's revision changes.
 */

/** Deletion: with revertOnDeletion, remove the route and restore the target; always release the finalizer. */
export function deletion(tick: Tick): void {
  if (!tick.canary.spec.revertOnDeletion) {
    tick.actions.push({ type: 'releaseFinalizer' });
    return;
  }
  if (tick.phase !== 'Terminating') {
    tick.move('TERMINATE');
    tick.event('Normal', 'Terminating', `Reverting ${tick.label}: restoring the target and removing the primary, services and split`);
  }
  tick.actions.push({ type: 'removeRoute' });
  tick.removeBaseline();
  tick.actions.push({ type: 'finalize' });
}

/** First tick: create the primary, the services and the route, and wait for the primary. */
export function initialize(tick: Tick): void {
  tick.move('INITIALIZE');
  tick.status.waitingSince = tick.now;
  tick.status.failedChecks = 0;
  tick.status.canaryWeight = 0;
  tick.status.iterations = 0;
  initActions(tick);
  tick.event('Normal', 'Initializing', `Initializing ${tick.label}: creating the primary deployment, services and traffic split`);
}

function initActions(tick: Tick): void {
  if (tick.canary.spec.revertOnDeletion) tick.actions.push({ type: 'ensureFinalizer' });
  tick.actions.push({ type: 'ensurePrimary' }, { type: 'ensureRoute' });
}

/** Initializing: once the primary is ready, route all traffic to it and scale the target to zero. */
export function awaitPrimary(tick: Tick, target: TargetObservation): void {
  initActions(tick);
  if (!isWorkloadReady(tick.observation.primary, tick.settings.primaryReadyThreshold)) {
    tick.status.waitingSince ??= tick.now;
    if (tick.deadlineExceeded()) {
      tick.initializationStalled = true;
      if (!tick.status.conditions?.some((c) => c.type === 'Stalled' && c.status === 'True')) {
        tick.event('Warning', 'ProgressDeadlineExceeded', `Primary of ${tick.label} not ready after ${tick.deadlineSeconds()}s`);
      }
    }
    return;
  }
  tick.actions.push({ type: 'setWeights', weights: weightsFor(0) }, { type: 'scaleCanary', to: 'zero' });
  tick.move('INITIALIZED');
  tick.status.waitingSince = undefined;
  tick.status.lastAppliedSpec = target.revision;
  tick.status.lastPromotedSpec = target.revision;
  tick.status.trackedConfigs = { ...target.trackedConfigs };
  tick.event('Normal', 'Initialized', `Initialization done! ${tick.label}`);
}

/** Reacts to a changed target revision; true when the tick is decided. */
export function handleRevision(tick: Tick, target: TargetObservation): boolean {
  const change = classifyRevision(tick.status, target.revision);
  if (change === 'unchanged') {
    if (tick.phase === 'Waiting') {
      cancelRun(tick, target, 'the target is back at the revision analysed last');
      return true;
    }
    return false;
  }
  if (change === 'reverted-to-promoted') {
    if (ACTIVE_PHASES.includes(tick.phase) || tick.phase === 'Failed') {
      cancelRun(tick, target, 'the target was reverted to the promoted revision');
    } else {
      tick.status.lastAppliedSpec = target.revision;
      tick.status.trackedConfigs = { ...target.trackedConfigs };
    }
    return true;
  }
  newRevision(tick, target);
  return true;
}

function cancelRun(tick: Tick, target: TargetObservation, why: string): void {
  tick.routeToPrimary();
  tick.actions.push({ type: 'scaleCanary', to: 'zero' });
  tick.move('CANCEL');
  resetRun(tick, target);
  tick.status.runStartTime = undefined;
  tick.event('Normal', 'RunCancelled', `Run of ${tick.label} cancelled: ${why}`);
}

function newRevision(tick: Tick, target: TargetObservation): void {
  if (tick.strategy === 'ab-testing' && !tick.observation.router.abTesting) {
    tick.blocked('ABTestingNotSupported', 'A/B testing needs TrafficSplit v1alpha3 or newer (HTTPRouteGroup matches); the cluster does not serve it');
    return;
  }
  const waiting = tick.phase === 'Waiting';
  if (waiting && !tick.analysisDue()) return;
  const confirmation = tick.gateOpen('confirm-rollout');
  if (!confirmation.open && !tick.consumeManualPromotion()) {
    if (!waiting) {
      if (tick.phase !== 'Initialized' && tick.phase !== 'Succeeded' && tick.phase !== 'Failed') tick.routeToPrimary();
      tick.move('AWAIT_CONFIRMATION');
      tick.status.canaryWeight = 0;
      tick.event('Warning', 'WaitingApproval', `Halt ${tick.label} rollout of revision ${target.revision}: waiting for approval (${confirmation.reasons.join('; ')})`);
      if (!confirmation.muted) tick.notify('waiting-approval', 'warn', `New revision of ${tick.label} is waiting for approval`, { revision: target.revision });
    }
    tick.status.lastAnalysisTime = tick.now;
    return;
  }
  startRun(tick, target, `New revision detected! Scaling up ${tick.label}`);
  tick.notify('new-revision', 'info', `New revision detected, progressing canary analysis for ${tick.label}`, { revision: target.revision });
}

/** Starts a run of the target's revision at weight 0 (a new revision, or a retry). */
export function startRun(tick: Tick, target: TargetObservation, message: string): void {
  if (tick.canary.spec.revertOnDeletion) tick.actions.push({ type: 'ensureFinalizer' });
  tick.routeToPrimary();
  tick.actions.push({ type: 'scaleCanary', to: 'up' });
  // A fresh baseline for every run: the same age as the canary (tick.routeToPrimary removed the last one).
  if (tick.analysis.baseline === true && tick.strategy === 'canary') tick.actions.push({ type: 'ensureBaseline' });
  tick.move('START');
  resetRun(tick, target);
  tick.status.runStartTime = tick.now;
  tick.status.waitingSince = tick.now;
  tick.event('Normal', 'Synced', message);
}

function resetRun(tick: Tick, target: TargetObservation): void {
  const status = tick.status;
  status.lastAppliedSpec = target.revision;
  status.trackedConfigs = { ...target.trackedConfigs };
  status.canaryWeight = 0;
  status.failedChecks = 0;
  status.iterations = 0;
  status.preRolloutPassed = false;
  status.failureReason = undefined;
  status.stepsTaken = undefined;
  status.trafficIncreaseWaitingSince = undefined;
  status.lastAnalysisTime = undefined;
  status.lastAnalysis = undefined;
  status.judge = undefined;
  status.waitingSince = undefined;
  if (status.manualPromotion === 'full') status.manualPromotion = undefined;
}
