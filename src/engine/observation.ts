import type { WebhookType } from '../api/canary.ts';
import type { ManualRequest } from '../api/annotations.ts';
import type { ComparisonKind, ComparisonReference } from '../api/compare-settings.ts';
import type { IntervalCounts } from './judge/interval-counts.ts';
import type { HistogramInterval, HistogramSnapshot } from './judge/latency-exceedance.ts';

/**
 * Everything the decision core may know about the world at one tick, gathered by the shell before it
 * calls `decide`. Plain data: no promises, no clients. The canary workload IS the target Deployment
 * (as in Flagger: the `app-canary` Service selects the target's pods), so there is no separate canary.
 */

/** A Deployment's numbers as read from the informer cache; readiness is judged by the engine with the
 * Canary's thresholds, so the shell does not need to know them. */
export interface WorkloadObservation {
  exists: boolean;
  /** `spec.replicas`. */
  desiredReplicas: number;
  /** `status.replicas`: all pods, old and new; more than `updatedReplicas` means a rollout is unfinished. */
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  /** `status.observedGeneration >= metadata.generation`: the Deployment controller has seen the spec. */
  observedGenerationCurrent: boolean;
}

/** The target Deployment (the canary): its revision and readiness. */
export interface TargetObservation extends WorkloadObservation {
  /** Hash of the pod template plus the tracked config checksums: what `lastAppliedSpec` stores. */
  revision: string;
  /** `configmap/<name>` or `secret/<name>` → checksum of the configs the pod template references. */
  trackedConfigs: Record<string, string>;
}

/** What the router (TrafficSplit, HTTPRoute) looks like and can do. */
export interface RouterObservation {
  /** The traffic API is served; false → Ready=False with `reason`. */
  available: boolean;
  /** Request matches can be expressed (TrafficSplit v1alpha3+, HTTPRoute), needed by A/B. */
  abTesting: boolean;
  /** Weights as read from the route, absent when it does not exist yet. */
  weights?: Weights;
  reason?: string;
  /** False for a router that moves no traffic (Flagger's `kubernetes` provider); absent means true. */
  routesTraffic?: boolean;
  /**
   * The weights were read at or after Kanari's own last write to the route, so weights other than the
   * ones Kanari wrote are someone else's edit (put back and reported). Absent: the router cannot tell.
   */
  weightsFresh?: boolean;
  /**
   * The route is exactly as this controller's own last write left it: its weights are Kanari's even when
   * the Canary's status read this tick is older than that write. Absent after a restart or without a write.
   */
  ownWrite?: boolean;
  /** Whether the route's weights are in force, from the route's status; absent when the API has none (SMI). */
  routeStatus?: RouteStatusObservation;
  /** False when the route no longer says what the spec asks besides the weights (parents, hosts, filters): the engine re-syncs it. */
  routeCurrent?: boolean;
  /** The route API can mirror a share of requests (Gateway API v1.2+ mirror percent); false: mirroring copies every request. */
  mirrorPercent?: boolean;
}

/**
 * What the route's parents (Gateways, mesh) report about it. `accepted`: a parent accepted the route and
 * resolved its backends at its current generation; `pending`: parents have not seen the latest change
 * yet; `refused`: no parent accepted it (or none reported at all), so its weights move no traffic.
 */
export interface RouteStatusObservation {
  state: 'accepted' | 'pending' | 'refused';
  /** For `refused`: the parent's reason (e.g. NotAllowedByListeners) and message, or why none reported. */
  reason?: string;
  message?: string;
}

/**
 * The weights of the route's backends, always summing to 100: the canary and the primary, and, during a
 * run with `analysis.baseline`, the baseline (a third backend). A route without `baseline` has no
 * baseline backend at all; a router removes the backend when the weights no longer name it.
 */
export interface Weights {
  canary: number;
  primary: number;
  baseline?: number;
}

/** One metric measured by the shell; the engine judges it against the spec's thresholdRange. */
export interface MetricObservation {
  name: string;
  /** `value` has a number; `no-data` (no traffic…) is never a pass; `error` is a provider failure. */
  result: 'value' | 'no-data' | 'error';
  value?: number;
  /** Why there is no value, a person-readable sentence. */
  reason?: string;
  /** For `error`: the machine reason, e.g. `MetricsApiNotServed`, put into the Ready condition. */
  errorReason?: string;
}

/** What the engine asks the shell to count for one compared metric, on both sides, over one interval. */
export interface ComparisonRequest {
  /** Epoch milliseconds: the interval judged is (from, to]; consecutive requests never overlap. */
  from: number;
  to: number;
  /** The workload the canary is compared with: `<target>-primary` or `<target>-baseline`. */
  against: ComparisonReference;
  kind: ComparisonKind;
  /** Latency only, while no slow-request boundary is chosen: the primary's histogram over this window is wanted too. */
  boundaryWindow?: { from: number; to: number };
}

/**
 * What the shell counted for one compared metric: failed and total requests of both sides (`counts`,
 * raw counter differences), or for latency the cumulative histograms of both sides at the interval's
 * ends (`histograms`), from which the engine counts slow requests. `no-data` is never evidence of
 * health; `error` is a provider failure with its reason.
 */
export type ComparisonObservation =
  | { result: 'counts'; counts: IntervalCounts }
  | { result: 'histograms'; canary: HistogramInterval; reference: HistogramInterval; boundaryWindow?: HistogramSnapshot }
  | { result: 'no-data'; reason: string }
  | { result: 'error'; reason: string; errorReason?: string };

/** One webhook's answer. `ok` is a 2xx (≤ 202) answer; for `rollback` hooks ok means "roll back now". */
export interface GateAnswer {
  name: string;
  type: WebhookType;
  ok: boolean;
  /** Why the gate is closed, worded for a person and naming the hook: `webhook load-test answered 403: …`. */
  reason?: string;
}

/** The world at one tick. `metrics` and `gates` are gathered only when `decide` asked for them. */
export interface Observation {
  /** Epoch milliseconds; the engine never reads a clock. */
  now: number;
  /** Absent when the target Deployment does not exist. */
  target?: TargetObservation;
  /** Absent when the primary Deployment does not exist yet. */
  primary?: WorkloadObservation;
  /** The `-baseline` Deployment, when it exists (runs with `analysis.baseline`). */
  baseline?: WorkloadObservation;
  router: RouterObservation;
  /** Measured metrics, present only when `decide` asked for them this tick. */
  metrics?: MetricObservation[];
  /** Compared metrics' counts by metric name, present only for the ones `decide` asked for this tick. */
  comparisons?: Record<string, ComparisonObservation>;
  /** Gate answers keyed by webhook type; a key is present when that type was asked this tick. */
  gates?: Partial<Record<WebhookType, GateAnswer[]>>;
  manualRequests: ManualRequest[];
  /** The Canary has a deletionTimestamp. */
  deletionRequested: boolean;
  /** Spec problems the schema cannot express (unknown metric template, bad cron…), worded for a person. */
  validationErrors: string[];
}
