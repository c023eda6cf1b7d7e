import type { CanaryPhase, CanaryStatus } from '../../api/canary-status.ts';
import type { Action } from '../actions.ts';
import { runWeights, weightsFor } from '../strategy.ts';
import type { Tick } from '../tick.ts';

/**
 * What every decided tick does to the route after the rules have spoken: weights someone else wrote are
 * put back (and reported once), the session-affinity cookies follow the weights Kanari writes, a route
 * that drifted from the spec is re-synced, and the weight written is remembered in the status so the
 * next tick can tell a foreign edit from its own.
 */

/** Phases in which Kanari owns the route's weights. Before initialization and during deletion it does not. */
const SETTLED_PHASES: readonly CanaryPhase[] = ['Initialized', 'Waiting', 'Progressing', 'WaitingPromotion', 'Promoting', 'Finalising', 'Succeeded', 'Failed'];

type SetWeights = Extract<Action, { type: 'setWeights' }>;

/** Runs after the rules of a decided tick. */
export function settleRoute(tick: Tick): void {
  if (owned(tick)) {
    revertForeignWeights(tick);
    if (tick.observation.router.routeCurrent === false && !tick.actions.some(isRouteWrite)) tick.actions.push({ type: 'ensureRoute' });
  }
  followSessionAffinity(tick);
  recordRoutedWeight(tick);
}

// Only a Canary the rules could look at: a spec that validates, a target, a served route API, not
// suspended or being deleted, in a phase where the weights are Kanari's.
function owned(tick: Tick): boolean {
  const observation = tick.observation;
  const before = tick.canary.status?.phase ?? '';
  return (
    observation.validationErrors.length === 0 &&
    observation.target?.exists === true &&
    observation.router.available &&
    !observation.deletionRequested &&
    !tick.canary.spec.suspend &&
    SETTLED_PHASES.includes(before) &&
    SETTLED_PHASES.includes(tick.phase)
  );
}

function isRouteWrite(action: Action): boolean {
  return action.type === 'ensureRoute' || action.type === 'setWeights' || action.type === 'setRouteMatches' || action.type === 'removeRoute';
}

function lastWeights(actions: readonly Action[]): SetWeights | undefined {
  return actions.filter((action): action is SetWeights => action.type === 'setWeights').at(-1);
}

/**
 * A route whose weights are not the ones Kanari last wrote was edited by someone else: the weights go
 * back (unless this tick moves them anyway) and an Event says so. The next tick reads Kanari's weights
 * again, so one edit is reported once. A router that cannot tell its own write from a stale read says
 * nothing (`weightsFresh`), and nothing is reverted; a route still as this controller last wrote it is
 * never someone else's edit, even when the status read this tick predates that write (`ownWrite`).
 */
function revertForeignWeights(tick: Tick): void {
  const router = tick.observation.router;
  const expected = tick.canary.status?.routedWeight;
  const observed = router.weights?.canary;
  if (!router.weightsFresh || router.ownWrite || expected === undefined || observed === undefined || observed === expected) return;
  const written = lastWeights(tick.actions);
  // The same weights again: this tick repeats a write whose status never landed (a crash), not an edit.
  if (written?.weights.canary === observed) return;
  const edited = `The route of ${tick.label} was changed outside Kanari to canary ${observed}% / primary ${100 - observed}%`;
  if (written === undefined) {
    // While the analysis runs, a baseline keeps its share: the canary's, as every step writes it.
    const analysing = tick.phase === 'Progressing' || tick.phase === 'WaitingPromotion';
    tick.actions.push({ type: 'setWeights', weights: analysing ? runWeights(tick.analysis, expected) : weightsFor(expected) });
    tick.event('Warning', 'WeightsReverted', `${edited}; put back to canary ${expected}% (change the Canary, not its route)`);
  } else {
    tick.event('Warning', 'WeightsReverted', `${edited}; Kanari routes canary ${written.weights.canary}% now (change the Canary, not its route)`);
  }
}

/**
 * `analysis.sessionAffinity`: while the canary gets weight, its users receive a cookie that keeps them on
 * it (and, with `primaryCookieName`, the primary's users one that keeps them there); when the weight
 * returns to 0 the canary's cookie becomes the previous one, which the route expires. The values live in
 * the status, so a restarted controller writes the same cookies and users stay where they were.
 */
function followSessionAffinity(tick: Tick): void {
  const written = lastWeights(tick.actions);
  if (written === undefined) return;
  const status = tick.status;
  const affinity = tick.analysis.sessionAffinity;
  if (written.weights.canary > 0 && affinity) {
    const token = cookieToken(status);
    status.sessionAffinityCookie ??= `${affinity.cookieName}=${token}`;
    if (affinity.primaryCookieName) status.primarySessionAffinityCookie ??= `${affinity.primaryCookieName}=${token}`;
    else status.primarySessionAffinityCookie = undefined;
    return;
  }
  if (written.weights.canary > 0) return;
  if (status.sessionAffinityCookie !== undefined) status.previousSessionAffinityCookie = status.sessionAffinityCookie;
  status.sessionAffinityCookie = undefined;
  status.primarySessionAffinityCookie = undefined;
}

/** A cookie value for the current run: the revision and when the run started, so a retry gets a new one. */
function cookieToken(status: CanaryStatus): string {
  const started = status.runStartTime === undefined ? NaN : Date.parse(status.runStartTime);
  const token = `${status.lastAppliedSpec ?? 'run'}${Number.isNaN(started) ? '' : `-${started.toString(36)}`}`;
  return token.replace(/[^A-Za-z0-9._-]/g, '');
}

function recordRoutedWeight(tick: Tick): void {
  if (tick.actions.some((action) => action.type === 'removeRoute')) {
    tick.status.routedWeight = undefined;
    return;
  }
  const written = lastWeights(tick.actions);
  if (written !== undefined) tick.status.routedWeight = written.weights.canary;
}
