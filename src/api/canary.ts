import { Type, type Static } from '@sinclair/typebox';
import { DurationString, IntOrString, ObjectMeta, StringEnum, StringMap, Struct } from './schema-types.ts';
import { CanaryStatusSchema } from './canary-status.ts';

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

const CrossNamespaceRef = Struct({
  name: Type.String({ minLength: 1 }),
  namespace: Type.Optional(Type.String()),
});

const ObjectMetaOverrides = Struct({
  labels: Type.Optional(StringMap()),
  annotations: Type.Optional(StringMap()),
});

export const TargetRefSchema = Struct({
  apiVersion: Type.Optional(Type.String({ default: 'apps/v1' })),
  kind: StringEnum(['Deployment'], { default: 'Deployment' }),
  name: Type.String({ minLength: 1 }),
});

export const AutoscalerRefSchema = Struct({
  apiVersion: Type.Optional(Type.String({ default: 'autoscaling/v2' })),
  kind: StringEnum(['HorizontalPodAutoscaler'], { default: 'HorizontalPodAutoscaler' }),
  name: Type.String({ minLength: 1 }),
  primaryScalerReplicas: Type.Optional(
    Struct({
      minReplicas: Type.Optional(Type.Integer({ minimum: 1 })),
      maxReplicas: Type.Optional(Type.Integer({ minimum: 1 })),
    }),
  ),
});

export const CanaryServiceSchema = Struct({
  name: Type.Optional(Type.String()),
  port: Type.Integer({ minimum: 1, maximum: 65535 }),
  portName: Type.Optional(Type.String({ default: 'http' })),
  targetPort: Type.Optional(IntOrString()),
  appProtocol: Type.Optional(Type.String()),
  portDiscovery: Type.Optional(Type.Boolean()),
  hosts: Type.Optional(Type.Array(Type.String())),
  apex: Type.Optional(ObjectMetaOverrides),
  primary: Type.Optional(ObjectMetaOverrides),
  canary: Type.Optional(ObjectMetaOverrides),
});

export const ThresholdRangeSchema = Struct({
  min: Type.Optional(Type.Number()),
  max: Type.Optional(Type.Number()),
});

export const CanaryMetricSchema = Struct({
  name: Type.String({ minLength: 1 }),
  interval: Type.Optional(DurationString({ default: '1m' })),
  thresholdRange: Type.Optional(ThresholdRangeSchema),
  /** Flagger's deprecated single threshold; read as thresholdRange.min for success rate, max otherwise. */
  threshold: Type.Optional(Type.Number()),
  templateRef: Type.Optional(CrossNamespaceRef),
  templateVariables: Type.Optional(StringMap()),
});

export const CanaryWebhookSchema = Struct({
  name: Type.String({ minLength: 1 }),
  type: Type.Optional(StringEnum(WEBHOOK_TYPES, { default: 'rollout' })),
  url: Type.String({ minLength: 1 }),
  timeout: Type.Optional(DurationString({ default: '10s' })),
  retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
  metadata: Type.Optional(StringMap()),
  muteAlert: Type.Optional(Type.Boolean()),
  disableTLS: Type.Optional(Type.Boolean()),
});

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
});

/** Rollout windows: the analysis only advances while the current minute matches one of the cron schedules. */
export const RolloutWindowSchema = Struct({
  schedules: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
  timezone: Type.Optional(Type.String()),
});

export const CanaryAnalysisSchema = Struct({
  interval: Type.Optional(DurationString({ default: '1m' })),
  threshold: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  maxWeight: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  stepWeight: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  stepWeights: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 100 }), { minItems: 1 })),
  stepWeightPromotion: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  iterations: Type.Optional(Type.Integer({ minimum: 1 })),
  match: Type.Optional(Type.Array(CanaryMatchSchema)),
  primaryReadyThreshold: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, default: 100 })),
  canaryReadyThreshold: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, default: 100 })),
  metrics: Type.Optional(Type.Array(CanaryMetricSchema)),
  webhooks: Type.Optional(Type.Array(CanaryWebhookSchema)),
  alerts: Type.Optional(Type.Array(CanaryAlertSchema)),
  window: Type.Optional(RolloutWindowSchema),
});

export const CanarySpecSchema = Struct({
  /** Router: `smi` (default), or `smi:v1alpha1`…`smi:v1alpha4` to pin the TrafficSplit version. */
  provider: Type.Optional(Type.String({ default: 'smi' })),
  /** Prometheus address for built-in metrics when the TrafficMetrics API is not served. */
  metricsServer: Type.Optional(Type.String()),
  /** Which mesh's metric names the Prometheus queries use. */
  mesh: Type.Optional(StringEnum(MESHES)),
  targetRef: TargetRefSchema,
  autoscalerRef: Type.Optional(AutoscalerRefSchema),
  service: CanaryServiceSchema,
  progressDeadlineSeconds: Type.Optional(Type.Integer({ minimum: 1, default: 600 })),
  skipAnalysis: Type.Optional(Type.Boolean()),
  suspend: Type.Optional(Type.Boolean()),
  revertOnDeletion: Type.Optional(Type.Boolean()),
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
