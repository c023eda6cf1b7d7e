import type { Tick } from '../tick.ts';
import { rollback } from './promotion.ts';

/**
 * A route no parent accepted moves no traffic, whatever its weights say, so metrics measured under it
 * judge a canary that got none: the run holds (no analysis, no step) until the route is in force, says
 * why on the Ready condition (the parent's own reason and message), and is rolled back when that takes
 * longer than the progress deadline. A route whose parents have not yet seen Kanari's latest write holds
 * quietly: that is the usual moment between a write and the gateway's update.
 */

/** True when the run holds this tick because the route's weights are not in force. */
export function holdForRoute(tick: Tick): boolean {
  const status = tick.observation.router.routeStatus;
  if (status === undefined || status.state === 'accepted' || tick.status.paused !== undefined) return false;
  const weight = tick.status.canaryWeight ?? 0;
  if (status.state === 'refused') {
    tick.blocked('RouteNotAccepted', `${status.message ?? 'no parent accepted the route'}: the run of ${tick.label} holds at canary weight ${weight} until the route is in force`);
  }
  if (tick.waitFor()) {
    const why = status.state === 'refused' ? `${status.reason ?? 'NotAccepted'}: ${status.message ?? 'no parent accepted the route'}` : 'its parents never reported on the latest weights';
    rollback(tick, 'RouteNotAccepted', `the route was not in force for ${tick.deadlineSeconds()}s (${why})`, 'progress-deadline');
  }
  return true;
}
