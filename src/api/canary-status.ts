import { Type, type Static } from '@sinclair/typebox';
import { JudgeStatusSchema, MetricComparisonSchema } from './judge-status.ts';
import { CurrentRunSchema, MAX_PAST_RUNS, RunSummarySchema } from './run-history.ts';
import { StringEnum, StringMap, Struct } from './schema-types.ts';

/**
 * The Canary's status: Flagger's fields and phase names, plus kstatus-style conditions and what the
 * engine needs to resume after a restart. It is the engine's only durable state.
 */

export const CANARY_PHASES = [
  '',
  'Initializing',
  'Initialized',
  'Waiting',
  'Progressing',
  'WaitingPromotion',
  'Promoting',
  'Finalising',
  'Succeeded',
  'Failed',
  'Terminating',
  'Terminated',
] as const;
export type CanaryPhase = (typeof CANARY_PHASES)[number];

export const CONDITION_TYPES = ['Ready', 'Promoted', 'Stalled', 'Reconciling'] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

export const CanaryConditionSchema = Type.Object({
  type: Type.String(),
  status: StringEnum(['True', 'False', 'Unknown']),
  reason: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
  observedGeneration: Type.Optional(Type.Integer()),
  lastTransitionTime: Type.Optional(Type.String()),
  lastUpdateTime: Type.Optional(Type.String()),
});

/** One metric check's outcome, kept so `kubectl get canary -o yaml` shows why a step was taken. */
export const AnalysisResultSchema = Type.Object({
  metric: Type.String(),
  value: Type.Optional(Type.Number()),
  thresholdRange: Type.Optional(Struct({ min: Type.Optional(Type.Number()), max: Type.Optional(Type.Number()) })),
  result: StringEnum(['pass', 'fail', 'no-data', 'error']),
  reason: Type.Optional(Type.String()),
  time: Type.String(),
  /** For a metric with compare: the canary against the primary (or the baseline). */
  comparison: Type.Optional(MetricComparisonSchema),
});

export const CanaryStatusSchema = Type.Object({
  phase: Type.Optional(StringEnum(CANARY_PHASES)),
  observedGeneration: Type.Optional(Type.Integer()),
  failedChecks: Type.Optional(Type.Integer()),
  canaryWeight: Type.Optional(Type.Integer()),
  iterations: Type.Optional(Type.Integer()),
  trackedConfigs: Type.Optional(StringMap()),
  lastAppliedSpec: Type.Optional(Type.String()),
  lastPromotedSpec: Type.Optional(Type.String()),
  lastTransitionTime: Type.Optional(Type.String()),
  conditions: Type.Optional(Type.Array(CanaryConditionSchema)),
  lastAnalysis: Type.Optional(Type.Array(AnalysisResultSchema)),
  /** When the last analysis tick ran (RFC 3339): the next is due one `analysis.interval` later, across restarts. */
  lastAnalysisTime: Type.Optional(Type.String()),
  /** When the engine began waiting for a Deployment to become ready; the progress deadline counts from here. */
  waitingSince: Type.Optional(Type.String()),
  /** When the current run (revision) started, for the duration in "promotion finished". */
  runStartTime: Type.Optional(Type.String()),
  /** The pre-rollout hooks of the current run passed, so later ticks run the rollout hooks instead. */
  preRolloutPassed: Type.Optional(Type.Boolean()),
  /** Progression paused by a person; the step is kept. */
  paused: Type.Optional(Struct({ by: Type.String(), at: Type.String() })),
  /** A manual promote not consumed yet: `next` opens the next closed gate, `full` skips the analysis. */
  manualPromotion: Type.Optional(StringEnum(['next', 'full'])),
  /** Manual request kind → id of the last one acted on, so an annotation is handled once across restarts. */
  handledRequests: Type.Optional(StringMap()),
  /** Why the canary failed (`FailedChecks`, `ProgressDeadlineExceeded`, `ManualAbort`, `RollbackHook`). */
  failureReason: Type.Optional(Type.String()),
  /** Analysis steps (weight steps or iterations) the run took before promotion; for the promotion alert. */
  stepsTaken: Type.Optional(Type.Integer()),
  /** Since when a closed confirm-traffic-increase gate holds the next weight step (the phase stays Progressing). */
  trafficIncreaseWaitingSince: Type.Optional(Type.String()),
  /** The judge comparing the canary with the primary: its evidence so far, kept across restarts. */
  judge: Type.Optional(JudgeStatusSchema),
  /** The canary weight Kanari last wrote to the route: a route showing another was edited by someone else. */
  routedWeight: Type.Optional(Type.Integer()),
  /** Requests are being mirrored to the canary (the mirror step of `analysis.mirror`). */
  trafficMirrored: Type.Optional(Type.Boolean()),
  /** `name=value` of the session-affinity cookie of the current run: users holding it stay on the canary. */
  sessionAffinityCookie: Type.Optional(Type.String()),
  /** The cookie of the last run, expired on the users who still send it. */
  previousSessionAffinityCookie: Type.Optional(Type.String()),
  /** `name=value` of the cookie that keeps users who reached the primary on it (`primaryCookieName`). */
  primarySessionAffinityCookie: Type.Optional(Type.String()),
  /** The current run's timeline (or the last run's, until the next starts): run-history.ts. */
  run: Type.Optional(CurrentRunSchema),
  /** The runs before it, newest first, one line each. */
  pastRuns: Type.Optional(Type.Array(RunSummarySchema, { maxItems: MAX_PAST_RUNS })),
});

export type CanaryStatus = Static<typeof CanaryStatusSchema>;
export type CanaryCondition = Static<typeof CanaryConditionSchema>;
export type AnalysisResult = Static<typeof AnalysisResultSchema>;
