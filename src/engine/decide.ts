import type { Canary } from '../api/canary.ts';
import type { Decision } from './actions.ts';
import type { PhaseMachine } from './machine.ts';
import type { Observation } from './observation.ts';
import { validateRolloutWindow } from './rollout-window.ts';
import { analyse } from './rules/analysis.ts';
import { awaitPrimary, deletion, handleRevision, initialize } from './rules/lifecycle.ts';
import { handleManualRequests } from './rules/manual-control.ts';
import { finalise, promote } from './rules/promotion.ts';
import { holdForRoute } from './rules/route-status.ts';
import { Tick } from './tick.ts';

/**
 * Every rule of a rollout, as one pure function: (Canary, Observation) → next status + actions + events.
 * No I/O, no clock, no randomness. Re-deciding from the same status and observation yields the same
 * decision, which is what makes a crash between an action and the status write harmless.
 */

/** Decides one tick for `canary` given what the shell observed; `machine` is the phase map. */
export function decide(canary: Canary, observation: Observation, machine: PhaseMachine): Decision {
  return new Tick(canary, observation, machine).run(rules);
}

/** The order in which the rules look at a Canary: the first that decides the tick ends it. */
function rules(tick: Tick): void {
  const observation = tick.observation;
  if (observation.deletionRequested) return deletion(tick);
  if (tick.phase === 'Terminating' || tick.phase === 'Terminated') return;
  // The validator's errors include the window's; the engine checks the window itself only when no validator ran.
  const invalid = observation.validationErrors.length > 0 ? observation.validationErrors : validateRolloutWindow(tick.analysis.window);
  if (invalid.length > 0) return tick.blocked('InvalidSpec', invalid.join('; '));
  if (tick.canary.spec.suspend) return;
  const target = observation.target;
  if (target === undefined || !target.exists) {
    const kind = tick.canary.spec.targetRef.kind ?? 'Deployment';
    return tick.blocked('TargetNotFound', `${kind} ${tick.canary.spec.targetRef.name} not found in namespace ${tick.canary.metadata.namespace ?? 'default'}`);
  }
  if (!observation.router.available) {
    return tick.blocked('RouterUnavailable', observation.router.reason ?? 'the TrafficSplit API is not served: install an SMI implementation');
  }
  if (handleManualRequests(tick, target)) return;
  if (tick.phase === '') return initialize(tick);
  if (tick.phase === 'Initializing') return awaitPrimary(tick, target);
  if (handleRevision(tick, target)) return;
  switch (tick.phase) {
    case 'Progressing':
    case 'WaitingPromotion':
      if (holdForRoute(tick)) return;
      return analyse(tick, target);
    case 'Promoting':
      return promote(tick);
    case 'Finalising':
      return finalise(tick, target);
    default:
      return;
  }
}
