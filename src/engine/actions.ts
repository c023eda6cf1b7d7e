import type { CanaryMatch, WebhookType, AlertSeverity } from '../api/canary.ts';
import type { CanaryStatus } from '../api/canary-status.ts';
import type { ComparisonRequest, Weights } from './observation.ts';

/**
 * What the decision core asks the shell to do. Every action is idempotent: it states a desired end
 * (weights are 20/80, canary scaled to zero), never a delta, so a crash between the action and the
 * status write repeats it harmlessly. The shell performs `actions` in order, then writes the status,
 * then emits `events` and `notifications` (best effort, so a conflict retry does not duplicate them).
 */

export type Action =
  /** Create or adopt the primary Deployment (target's pod spec, configs copied `-primary`), the apex,
   * `-primary` and `-canary` Services and the primary HPA. */
  | { type: 'ensurePrimary' }
  /** Create the route (TrafficSplit, HTTPRoute) at canary 0 / primary 100 when missing; an existing one
   * keeps its weights, so a restart never resets a run. */
  | { type: 'ensureRoute' }
  /** Delete what the router created for the Canary (route, route groups). */
  | { type: 'removeRoute' }
  /** Make sure the Canary carries the finalizer, so deletion can be reverted (revertOnDeletion). */
  | { type: 'ensureFinalizer' }
  /** Scale the target (canary) Deployment: `up` to its desired replicas (or the HPA's minimum), `zero` to 0. */
  | { type: 'scaleCanary'; to: 'up' | 'zero' }
  /** Write these weights to the route (integers summing to 100). */
  | { type: 'setWeights'; weights: Weights }
  /** Write (A/B) or remove (`matches: []`) the HTTPRouteGroup header matches. While matches are set the
   * split applies to matched requests only (SMI v1alpha3+), so A/B then sets weights canary 100 / primary 0;
   * the engine always orders matches-before-weights on the way in and weights-before-matches on the way out. */
  | { type: 'setRouteMatches'; matches: CanaryMatch[] }
  /** Copy the canary's pod spec, replicas (without HPA) and configs to the primary. */
  | { type: 'promotePrimary' }
  /** Create (or resize) the `-baseline` Deployment, a copy of the primary at the canary's size, and its Service. */
  | { type: 'ensureBaseline' }
  /** Delete the baseline Deployment and Service (after the route stopped sending them traffic). */
  | { type: 'removeBaseline' }
  /** Fire-and-forget webhooks (`post-rollout`); failures are logged only. */
  | { type: 'runHooks'; hookType: WebhookType; phase: string }
  /** Deletion with revertOnDeletion, after `removeRoute`: restore the target, remove the primary and the
   * generated Services, drop the finalizer. */
  | { type: 'finalize' }
  /** Deletion without revertOnDeletion: only drop the finalizer if present. */
  | { type: 'releaseFinalizer' };

/** A Kubernetes Event on the Canary, worded for a person; the shell also posts it to `event` webhooks. */
export interface EngineEvent {
  eventType: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** What an alert is about, so providers can template and colour it. */
export type NotificationKind =
  | 'new-revision'
  | 'waiting-approval'
  | 'promotion-finished'
  | 'rollback'
  | 'progress-deadline'
  /** The primary did not become ready while promoted: traffic stays on the canary. */
  | 'promotion-failed'
  | 'manual-action';

/** The facts an alert shows beside its message; each kind fills the ones that apply. */
export interface NotificationFacts {
  /** The revision (pod template + configs hash) the run is about. */
  revision?: string;
  /** On a rollback for failed checks: the first failing metric against its range. */
  metric?: { name: string; value?: number; min?: number; max?: number };
  /** Why it happened, in a sentence. */
  reason?: string;
  /** How long the run took, from the new revision to Succeeded. */
  durationMs?: number;
  /** Weight steps the run took before promotion (canary strategy). */
  steps?: number;
  /** Iterations the run took before promotion (blue/green, A/B). */
  iterations?: number;
  /** For manual actions: who asked, and what. */
  requestedBy?: string;
  action?: string;
}

/** An alert for the Canary's alert providers (filtered there by severity). */
export interface Notification {
  kind: NotificationKind;
  severity: AlertSeverity;
  message: string;
  facts: NotificationFacts;
}

/** The shell must gather these before the core can decide this tick; it then calls `decide` again with them. */
export interface GatherRequest {
  kind: 'gather';
  /** Webhook types to ask now (only types with at least one webhook configured). */
  gates: WebhookType[];
  /** Run the metric checks of `analysis.metrics`. */
  metrics: boolean;
  /** Count these compared metrics on both sides (by metric name). */
  comparisons?: Record<string, ComparisonRequest>;
}

/** The core's verdict for this tick. */
export interface ActDecision {
  kind: 'act';
  /** The status to write last, with the resourceVersion precondition. */
  status: CanaryStatus;
  actions: Action[];
  events: EngineEvent[];
  notifications: Notification[];
}

export type Decision = GatherRequest | ActDecision;
