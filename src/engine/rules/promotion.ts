import type { NotificationFacts, NotificationKind } from '../actions.ts';
import { isWorkloadReady } from '../readiness.ts';
import type { TargetObservation } from '../observation.ts';
import { nextPromotionWeights, weightSequence, weightsFor } from '../strategy.ts';
import type { Tick } from '../tick.ts';

/**
 * The ends of a run: promotion (copy the canary to the primary, wait for it, route traffic back at once
 * or step by step, scale the canary down) and rollback.
 */

/** Copies the canary's spec to the primary and enters Promoting. */
export function startPromotion(tick: Tick, message: string): void {
  if (tick.analysis.baseline === true && tick.strategy === 'canary') {
    // The analysis is over: the baseline's share goes back to the primary, and the baseline goes.
    tick.actions.push({ type: 'setWeights', weights: weightsFor(tick.status.canaryWeight ?? 0) });
  }
  tick.removeBaseline();
  tick.actions.push({ type: 'promotePrimary' });
  tick.move('PROMOTE');
  tick.status.lastPromotedSpec = tick.status.lastAppliedSpec;
  tick.status.waitingSince = tick.now;
  tick.status.stepsTaken =
    tick.strategy === 'canary' ? weightSequence(tick.analysis).filter((w) => w > 0 && w <= (tick.status.canaryWeight ?? 0)).length : (tick.status.iterations ?? 0);
  tick.event('Normal', 'Promoting', message);
}

/** Promoting: once the primary runs the new spec, route traffic back to it and start finalising. */
export function promote(tick: Tick): void {
  if (!isWorkloadReady(tick.observation.primary, tick.settings.primaryReadyThreshold)) {
    if (tick.waitFor()) promotionFailed(tick);
    return;
  }
  tick.status.waitingSince = undefined;
  const current = tick.status.canaryWeight ?? 0;
  const stepped = tick.analysis.stepWeightPromotion !== undefined && tick.strategy === 'canary' && current > 0;
  if (stepped) {
    if (!tick.analysisDue()) return;
    tick.status.lastAnalysisTime = tick.now;
    const weights = nextPromotionWeights(tick.analysis, current);
    tick.actions.push({ type: 'setWeights', weights });
    tick.status.canaryWeight = weights.canary;
    tick.event('Normal', 'Promoting', `Advance ${tick.label} primary weight ${100 - current} → ${weights.primary}`);
    if (weights.canary > 0) return;
  } else {
    tick.routeToPrimary();
    tick.status.canaryWeight = 0;
  }
  tick.actions.push({ type: 'scaleCanary', to: 'zero' });
  tick.move('FINALISE');
  tick.event('Normal', 'Finalising', `Routing all traffic to primary; scaling down ${tick.label} canary`);
}

/**
 * The primary, which already runs the new spec, did not become ready in time. Routing back to it, as a
 * rollback does, would send every user to the failing copy and scale down the only healthy pods of the
 * revision just validated. So, as Flagger does, everything stays on (or goes to) the canary, which keeps
 * running, and the run is Failed with an Event and an alert that say so; a new revision or a retry starts over.
 */
export function promotionFailed(tick: Tick): void {
  const routed = tick.observation.router.routesTraffic !== false;
  const kind = tick.canary.spec.targetRef.kind ?? 'Deployment';
  if (routed) {
    tick.actions.push({ type: 'setWeights', weights: weightsFor(100) });
    if (tick.strategy === 'ab-testing') tick.actions.push({ type: 'setRouteMatches', matches: [] });
  }
  tick.actions.push({ type: 'runHooks', hookType: 'post-rollout', phase: 'Failed' });
  tick.move('ROLLBACK');
  tick.status.canaryWeight = routed ? 100 : 0;
  tick.status.failureReason = 'PromotionFailed';
  tick.status.waitingSince = undefined;
  tick.status.manualPromotion = undefined;
  const where = routed
    ? 'all traffic stays on the canary, which keeps running the validated revision'
    : 'the canary keeps running the validated revision behind its -canary Service; the apex Service stays on the primary';
  const message = `primary ${kind.toLowerCase()} not ready after ${tick.deadlineSeconds()}s while being promoted: ${where}`;
  tick.event('Warning', 'PromotionFailed', `Promotion of ${tick.label} failed: ${message}`);
  tick.notify('promotion-failed', 'error', `Promotion of ${tick.label} failed: ${message}`, { reason: message, revision: tick.status.lastAppliedSpec });
}

/** Finalising: once the canary is scaled to zero the run has Succeeded. */
export function finalise(tick: Tick, target: TargetObservation): void {
  tick.actions.push({ type: 'scaleCanary', to: 'zero' });
  if (target.desiredReplicas > 0) return;
  tick.move('SUCCEED');
  tick.status.waitingSince = undefined;
  tick.actions.push({ type: 'runHooks', hookType: 'post-rollout', phase: 'Succeeded' });
  const started = tick.status.runStartTime === undefined ? undefined : Date.parse(tick.status.runStartTime);
  tick.event('Normal', 'Succeeded', `Promotion completed! ${tick.label} revision ${tick.status.lastAppliedSpec ?? ''}`);
  tick.notify('promotion-finished', 'info', `Canary analysis completed successfully, promotion finished for ${tick.label}`, {
    revision: tick.status.lastAppliedSpec,
    // Counted in the strategy's own terms, as the progress and status views count them.
    ...(tick.strategy === 'canary' ? { steps: tick.status.stepsTaken ?? 0 } : { iterations: tick.status.stepsTaken ?? 0 }),
    durationMs: started === undefined ? undefined : tick.observation.now - started,
  });
}

/** Routes everything back to the primary, scales the canary down and marks the run Failed. */
export function rollback(tick: Tick, reason: string, message: string, kind: NotificationKind, facts: NotificationFacts = {}): void {
  tick.routeToPrimary();
  tick.actions.push({ type: 'scaleCanary', to: 'zero' }, { type: 'runHooks', hookType: 'post-rollout', phase: 'Failed' });
  tick.move('ROLLBACK');
  tick.status.canaryWeight = 0;
  tick.status.failureReason = reason;
  tick.status.waitingSince = undefined;
  tick.status.manualPromotion = undefined;
  tick.event('Warning', reason, `Rolling back ${tick.label}: ${message}`);
  tick.notify(kind, 'error', `Rolling back ${tick.label}: ${message}`, { reason: message, ...facts, revision: tick.status.lastAppliedSpec });
}
