import type { Canary, CanaryMatch, CanaryMetric, CanaryWebhook } from '../api/canary.ts';
import type { CanaryStatus } from '../api/canary-status.ts';
import type { ManualRequest } from '../api/annotations.ts';
import type { EngineEvent, Notification } from './actions.ts';
import type {
  ComparisonObservation,
  ComparisonRequest,
  GateAnswer,
  MetricObservation,
  RouterObservation,
  TargetObservation,
  Weights,
  WorkloadObservation,
} from './observation.ts';

/**
 * The interfaces the shell implements and the engine's reconcile loop calls. Declared here so
 * dependencies point inward: nothing in engine/ imports kube/, router/, metrics/ or notify/.
 *
 * How one tick runs (reconcile.ts):
 *   1. observe: Workloads.observe, Router.observe, ManualRequests from annotations → Observation
 *      (without `metrics` and `gates`).
 *   2. decision = decide(canary, observation). While it is `{kind: 'gather'}`, ask exactly the gate types
 *      it lists (Gates.ask) and, if asked, the metrics (MetricsSource.measure); add the answers to the
 *      observation and call decide again. Each round only adds answers, so this ends in at most a few
 *      rounds, and each webhook is called at most once per tick.
 *   3. perform decision.actions in order (each idempotent), via Workloads/Router/Gates.
 *   4. StatusWriter.write(decision.status) with the resourceVersion precondition; on conflict re-read
 *      and start again at 1.
 *   5. emit decision.events (EventRecorder, which also posts to `event` webhooks) and notifications.
 *
 * Why gates and metrics are observations, not actions: their answers steer the decision of the same
 * tick (a failing rollout hook stops the step), so they must be inputs of `decide`. Making them actions
 * would need a second, durable "waiting for answers" state. As observations, `decide` stays a pure
 * function, a crash simply asks again next tick, and the core still controls *when* each gate is asked.
 * Fire-and-forget hooks (`post-rollout`) and `event` hooks change nothing in the decision, so they are
 * actions/events.
 */

/** Target and primary Deployments plus everything they own. */
export interface Workloads {
  /** Reads the target (with revision hash and config checksums) and the primary from caches. */
  observe(canary: Canary): Promise<{ target?: TargetObservation; primary?: WorkloadObservation; baseline?: WorkloadObservation }>;
  /** Creates or adopts the primary Deployment, its configs, the Services and the primary HPA. */
  ensurePrimary(canary: Canary): Promise<void>;
  /** Scales the target (the canary) up to its desired replicas, or to zero. */
  scaleCanary(canary: Canary, to: 'up' | 'zero'): Promise<void>;
  /** Brings the primary's HPA in line with the target's after the target's HPA changed; idempotent. */
  syncAutoscaler(canary: Canary): Promise<void>;
  /** Copies the canary's pod spec and configs to the primary. */
  promotePrimary(canary: Canary): Promise<void>;
  /** Creates (or resizes) the `-baseline` Deployment of the primary's spec at the canary's size, and its Service. */
  ensureBaseline(canary: Canary): Promise<void>;
  /** Deletes the baseline Deployment and Service; missing objects are fine. */
  removeBaseline(canary: Canary): Promise<void>;
  /** Reverts on deletion: restores the target, removes generated objects and the finalizer. */
  finalize(canary: Canary): Promise<void>;
  /** Adds the Kanari finalizer if missing. */
  ensureFinalizer(canary: Canary): Promise<void>;
  /** Removes the Kanari finalizer if present. */
  releaseFinalizer(canary: Canary): Promise<void>;
}

/**
 * The traffic router (SMI TrafficSplit, Gateway API HTTPRoute): the only part that knows route objects.
 * Its writes receive the Canary with the status the tick decided (what the status write then stores):
 * the session-affinity cookies and whether requests are mirrored are read from there.
 */
export interface Router {
  /** What the route looks like and what the served API versions can express. */
  observe(canary: Canary): Promise<RouterObservation>;
  /** Creates the route at canary 0 / primary 100 when missing; an existing route keeps its weights. */
  ensureRoute(canary: Canary): Promise<void>;
  /** Deletes what the router created for the Canary; missing objects are fine. */
  removeRoute(canary: Canary): Promise<void>;
  /** Writes the weights; idempotent. A `baseline` weight adds the `-baseline` Service as a third backend; without one the route has none. */
  setWeights(canary: Canary, weights: Weights): Promise<void>;
  /** Writes header matches for A/B (`[]` removes them); idempotent. */
  setRouteMatches(canary: Canary, matches: CanaryMatch[]): Promise<void>;
}

/** Measures the Canary's metrics; never throws: failures become `result: 'error'`. */
export interface MetricsSource {
  /** Measures one metric of `analysis.metrics` for the canary workload. */
  measure(canary: Canary, metric: CanaryMetric): Promise<MetricObservation>;
  /** Counts one compared metric on the canary and on the side it is compared with, over one interval. */
  compare(canary: Canary, metric: CanaryMetric, request: ComparisonRequest): Promise<ComparisonObservation>;
}

/** Calls webhooks; never throws: a failure is an answer with `ok: false` and a reason. */
export interface Gates {
  /** Calls one webhook with Flagger's payload for the Canary's phase. */
  ask(canary: Canary, webhook: CanaryWebhook): Promise<GateAnswer>;
}

/** Sends alerts to the Canary's alert providers; never blocks the rollout. */
export interface Notifier {
  /** Sends one notification to every alert provider whose severity filter lets it through. */
  notify(canary: Canary, notification: Notification): Promise<void>;
}

/** Records Kubernetes Events on the Canary (and posts them to `event` webhooks). */
export interface EventRecorder {
  /** Records one Event; best effort. */
  record(canary: Canary, event: EngineEvent): Promise<void>;
}

/** Reads manual control requests (annotations `kanari.dev/<kind>`, CLI). */
export interface ManualRequests {
  /** Pending requests for this Canary; handled ones are filtered by the engine through status. */
  pending(canary: Canary): ManualRequest[];
}

/** Writes the Canary's status subresource. */
export interface StatusWriter {
  /** Writes with `resourceVersion` as precondition; `conflict` means re-read and re-decide. */
  write(canary: Canary, status: CanaryStatus, resourceVersion: string): Promise<'written' | 'conflict'>;
}
