import { Type, type Static } from '@sinclair/typebox';
import { DurationString, IntOrString, ObjectMeta, StringEnum, StringMap, Struct } from './schema-types.ts';
import { CanaryStatusSchema } from './canary-status.ts';
import { PERCENT_PATTERN } from './percent.ts';
import { gatewayAnalysisFields, gatewayServiceFields } from './gateway-fields.ts';

/**
 * The Canary kind, `kanari.dev/v1alpha1`. Field names and meanings are Flagger's wherever the feature
 * exists in Kanari, so a Flagger Canary for an SMI mesh validates after changing only `apiVersion`.
 */

export const API_GROUP = 'kanari.dev';
export const API_VERSION = 'v1alpha1';
export const CANARY_API_VERSION = `${API_GROUP}/${API_VERSION}`;

export const WEBHOOK_TYPES = [
  'confirm-rollout',
  'pre-rollout',
  'rollout',
  'confirm-traffic-increase',
  'confirm-promotion',
  'post-rollout',
  'rollback',
  'event',
] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];

export const ALERT_SEVERITIES = ['info', 'warn', 'error'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const BUILTIN_METRICS = ['request-success-rate', 'request-duration'] as const;

export const MESHES = ['linkerd', 'istio', 'osm'] as const;
export type Mesh = (typeof MESHES)[number];
/** Whose metric names the built-in Prometheus queries use when nothing says: smi-metrics' own, Linkerd's. */
export const DEFAULT_MESH: Mesh = 'linkerd';

const CrossNamespaceRef = Struct({
  name: Type.String({ minLength: 1 }),
  namespace: Type.Optional(Type.String({ description: "Defaults to the Canary's namespace." })),
});

const ObjectMetaOverrides = Struct({
  labels: Type.Optional(StringMap()),
  annotations: Type.Optional(StringMap()),
});

/** The workload kinds a Canary can release, as in Flagger. */
export const TARGET_KINDS = ['Deployment', 'DaemonSet'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export const TargetRefSchema = Struct({
  apiVersion: Type.Optional(Type.String({ default: 'apps/v1' })),
  kind: StringEnum(TARGET_KINDS, { default: 'Deployment' }),
  name: Type.String({ minLength: 1 }),
}, { description: 'The Deployment or DaemonSet to release; Kanari creates <name>-primary from it and scales it to 0 between releases (a DaemonSet by a node selector no node has).' });

export const AutoscalerRefSchema = Struct({
  apiVersion: Type.Optional(Type.String({ default: 'autoscaling/v2' })),
  kind: StringEnum(['HorizontalPodAutoscaler'], { default: 'HorizontalPodAutoscaler' }),
  name: Type.String({ minLength: 1 }),
  primaryScalerReplicas: Type.Optional(
    Struct({
      minReplicas: Type.Optional(Type.Integer({ minimum: 1 })),
      maxReplicas: Type.Optional(Type.Integer({ minimum: 1 })),
    }, { description: "Overrides the replica bounds of the primary's copy of the HPA." }),
  ),
}, { description: 'An HPA for the target; the primary gets its own copy.' });

export const CanaryServiceSchema = Struct({
  name: Type.Optional(Type.String({ description: 'Name of the apex Service (default: the target name); <name>-primary and <name>-canary are created beside it.' })),
  port: Type.Integer({ minimum: 1, maximum: 65535, description: 'Port of the generated Services.' }),
  portName: Type.Optional(Type.String({ default: 'http' })),
  targetPort: Type.Optional(IntOrString({ description: 'Container port number or name (default: port).' })),
  appProtocol: Type.Optional(Type.String()),
  portDiscovery: Type.Optional(Type.Boolean({ description: "Adds every container port of the target to the generated Services." })),
  hosts: Type.Optional(Type.Array(Type.String(), { description: "hosts[0], when set, is the TrafficSplit's root service; with gatewayRefs, the HTTPRoute's hostnames." })),
  apex: Type.Optional(ObjectMetaOverrides),
  primary: Type.Optional(ObjectMetaOverrides),
  canary: Type.Optional(ObjectMetaOverrides),
  ...gatewayServiceFields,
});

export const ThresholdRangeSchema = Struct({
  min: Type.Optional(Type.Number()),
  max: Type.Optional(Type.Number()),
});

/** A percentage as people write it: "20%". */
function PercentString(options: Record<string, unknown> = {}) {
  return Type.String({ pattern: PERCENT_PATTERN, ...options });
}

/** Judge the metric against the primary (or the baseline): the canary's failure rate may be at most maxIncrease higher. */
export const CompareSchema = Struct({
  maxIncrease: Type.Optional(PercentString({ default: '20%', description: "Tolerated relative increase of the canary's failure (or slow-request) rate over the primary's: 20% tolerates 1.2× as often." })),
  confidence: Type.Optional(PercentString({ default: '95%', description: 'Confidence of the sequential test (1 - α): a canary within the tolerance is rolled back by the judge in at most 5 % of runs at 95%.' })),
}, { description: "Compares the canary with the primary (or the baseline) instead of (or besides) a fixed bound: an anytime-valid test of the ratio of their failure rates (docs/judge.md)." });

/** When the judge looks, and what it may decide besides rolling back. */
export const JudgeSettingsSchema = Struct({
  earlyPromotion: Type.Optional(Type.Boolean({ description: 'Promote before the last step once every compared metric is shown no worse than tolerated (default false).' })),
  warmup: Type.Optional(DurationString({ description: 'Traffic the canary serves in this time after it first gets weight is not compared (a warm-up slowdown is not a regression); thresholds still apply.' })),
  interval: Type.Optional(DurationString({ description: 'Compare this often between analysis steps (at most analysis.interval): a worse canary is rolled back sooner; weights still step every analysis.interval.' })),
}, { description: 'Settings of the judge that compares the canary with the primary (metrics with compare).' });

export const CanaryMetricSchema = Struct({
  name: Type.String({ minLength: 1 }),
  interval: Type.Optional(DurationString({ default: '1m' })),
  thresholdRange: Type.Optional(ThresholdRangeSchema),
  /** Flagger's deprecated single threshold; read as thresholdRange.min for success rate, max otherwise. */
  threshold: Type.Optional(Type.Number({ description: 'Deprecated: use thresholdRange (which wins when both are set).' })),
  query: Type.Optional(Type.String({ minLength: 1, description: "Flagger's inline PromQL query, run as written against spec.metricsServer; prefer templateRef." })),
  templateRef: Type.Optional(CrossNamespaceRef),
  templateVariables: Type.Optional(StringMap({ description: 'Values for {{ variables.X }} in the MetricTemplate query.' })),
  compare: Type.Optional(CompareSchema),
}, { description: 'A check run every interval: a built-in metric (request-success-rate in percent, request-duration in ms) or a MetricTemplate, against thresholdRange, compared with the primary (compare), or both.' });

export const CanaryWebhookSchema = Struct({
  name: Type.String({ minLength: 1 }),
  /** An empty type is a rollout hook, as in Flagger. */
  type: Type.Optional(StringEnum(['', ...WEBHOOK_TYPES], { default: 'rollout' })),
  url: Type.String({ minLength: 1 }),
  timeout: Type.Optional(DurationString({ default: '10s' })),
  retries: Type.Optional(Type.Integer({ minimum: 0, description: 'Retries on connection errors, 429 and 5xx, with exponential backoff.' })),
  metadata: Type.Optional(StringMap()),
  muteAlert: Type.Optional(Type.Boolean({ description: 'Do not alert when this webhook fails.' })),
  disableTLS: Type.Optional(Type.Boolean({ description: 'Skip TLS certificate verification for this webhook.' })),
}, { description: 'A call made at a point of the rollout; the type says when and what a failure means.' });

export const CanaryAlertSchema = Struct({
  name: Type.String({ minLength: 1 }),
  severity: Type.Optional(StringEnum(ALERT_SEVERITIES, { default: 'info' })),
  providerRef: CrossNamespaceRef,
});

const HeaderMatchSchema = Struct({
  exact: Type.Optional(Type.String()),
  prefix: Type.Optional(Type.String()),
  suffix: Type.Optional(Type.String()),
  regex: Type.Optional(Type.String()),
});

export const CanaryMatchSchema = Struct({
  headers: Type.Optional(Type.Record(Type.String(), HeaderMatchSchema)),
  uri: Type.Optional(HeaderMatchSchema),
  method: Type.Optional(HeaderMatchSchema),
  queryParams: Type.Optional(Type.Record(Type.String(), HeaderMatchSchema, { description: 'Gateway API router: query parameters the request must carry.' })),
});

/** Rollout windows: the analysis only advances while the current minute matches one of the cron schedules. */
export const RolloutWindowSchema = Struct({
  schedules: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Cron expressions (minute hour day-of-month month day-of-week).' }),
  timezone: Type.Optional(Type.String({ description: 'IANA time zone of the schedules (default UTC).' })),
}, { description: 'The analysis only advances while the current minute matches one of the schedules.' });

export const CanaryAnalysisSchema = Struct({
  interval: Type.Optional(DurationString({ default: '1m', description: 'Time between checks.' })),
  threshold: Type.Optional(Type.Integer({ minimum: 0, default: 1, description: 'Failed checks before rollback (0 counts as 1).' })),
  maxWeight: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Canary weight at which to promote (default 100); ignored beside stepWeights or iterations.' })),
  stepWeight: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Weight added per successful check (canary strategy).' })),
  stepWeights: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 100 }), { minItems: 1, description: 'Strictly ascending weights, one per successful check (canary strategy).' })),
  stepWeightPromotion: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Weight moved back to the primary per tick after promotion (default: all at once).' })),
  iterations: Type.Optional(Type.Integer({ minimum: 1, description: 'Checks to pass before promotion: blue/green, or A/B testing with match.' })),
  match: Type.Optional(Type.Array(CanaryMatchSchema, { description: 'A/B testing: requests matching any entry go to the canary.' })),
  primaryReadyThreshold: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, default: 100, description: 'Percent of primary replicas that must be available.' })),
  canaryReadyThreshold: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, default: 100, description: 'Percent of canary replicas that must be available.' })),
  metrics: Type.Optional(Type.Array(CanaryMetricSchema)),
  webhooks: Type.Optional(Type.Array(CanaryWebhookSchema)),
  alerts: Type.Optional(Type.Array(CanaryAlertSchema)),
  window: Type.Optional(RolloutWindowSchema),
  baseline: Type.Optional(Type.Boolean({ description: "Compare the canary with a fresh <target>-baseline Deployment of the primary's spec, at the canary's size and weight, instead of the long-running primary (default false; weighted canaries only)." })),
  judge: Type.Optional(JudgeSettingsSchema),
  ...gatewayAnalysisFields,
}, { description: 'How a release is analysed: exactly one of stepWeight, stepWeights (canary) or iterations (blue/green, A/B).' });

export const CanarySpecSchema = Struct({
  /** Router: `smi` (default), or `smi:v1alpha1`…`smi:v1alpha4` to pin the TrafficSplit version; `gatewayapi[:v1|:v1beta1]` for HTTPRoute; `kubernetes` for none. */
  provider: Type.Optional(Type.String({ default: 'smi', description: 'Router: smi, smi:v1alpha1…smi:v1alpha4, Flagger\'s linkerd/osm (SMI TrafficSplit too); gatewayapi, gatewayapi:v1 or gatewayapi:v1beta1 (Gateway API HTTPRoute); or kubernetes (no traffic API: blue/green).' })),
  /** Prometheus address for built-in metrics when the TrafficMetrics API is not served. */
  metricsServer: Type.Optional(Type.String({ description: 'Prometheus URL for the built-in metrics when the TrafficMetrics API is not served.' })),
  /** Which mesh's metric names the Prometheus queries use. */
  mesh: Type.Optional(StringEnum(MESHES)),
  targetRef: TargetRefSchema,
  autoscalerRef: Type.Optional(AutoscalerRefSchema),
  service: CanaryServiceSchema,
  progressDeadlineSeconds: Type.Optional(Type.Integer({ minimum: 1, default: 600, description: 'Seconds a rollout may take to become ready before it is rolled back.' })),
  skipAnalysis: Type.Optional(Type.Boolean({ description: 'Promote new revisions without analysis.' })),
  suspend: Type.Optional(Type.Boolean({ description: 'Pause: nothing moves until unset.' })),
  revertOnDeletion: Type.Optional(Type.Boolean({ description: 'On deletion, route all traffic to the target and remove what Kanari created.' })),
  analysis: CanaryAnalysisSchema,
});

export const CanarySchema = Struct({
  apiVersion: Type.Literal(CANARY_API_VERSION),
  kind: Type.Literal('Canary'),
  metadata: ObjectMeta,
  spec: CanarySpecSchema,
  status: Type.Optional(CanaryStatusSchema),
});

export type Canary = Static<typeof CanarySchema>;
export type CanarySpec = Static<typeof CanarySpecSchema>;
export type CanaryAnalysis = Static<typeof CanaryAnalysisSchema>;
export type CanaryMetric = Static<typeof CanaryMetricSchema>;
export type CanaryWebhook = Static<typeof CanaryWebhookSchema>;
export type CanaryAlert = Static<typeof CanaryAlertSchema>;
export type CanaryService = Static<typeof CanaryServiceSchema>;
export type CanaryMatch = Static<typeof CanaryMatchSchema>;
export type ThresholdRange = Static<typeof ThresholdRangeSchema>;
export type RolloutWindow = Static<typeof RolloutWindowSchema>;
export type CanaryCompare = Static<typeof CompareSchema>;
export type JudgeSettings = Static<typeof JudgeSettingsSchema>;
