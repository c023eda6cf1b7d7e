import {
  CanaryAnalysisSchema,
  CanaryMetricSchema,
  CanaryServiceSchema,
  CanarySpecSchema,
  CanaryWebhookSchema,
  type Canary,
  type CanaryAnalysis,
  type CanaryMetric,
  type CanaryService,
  type CanaryWebhook,
  type WebhookType,
} from './canary.ts';
import { Duration } from './duration.ts';

/**
 * The values of a Canary that have defaults, read in one place with the schema's own defaults and
 * parsed into value objects. The controller hands the engine Canaries the validator has defaulted, so
 * the fallbacks here only serve objects that skipped validation; they are the schema's, never a second
 * copy of them.
 */
export interface CanarySettings {
  /** Time between analysis ticks. */
  interval: Duration;
  /** Failed checks before rollback (at least 1). */
  threshold: number;
  /** How long a workload may take to become ready. */
  progressDeadline: Duration;
  /** Percent of primary replicas that must be available. */
  primaryReadyThreshold: number;
  /** Percent of canary replicas that must be available. */
  canaryReadyThreshold: number;
}

const analysisDefaults = {
  interval: CanaryAnalysisSchema.properties.interval.default as string,
  threshold: CanaryAnalysisSchema.properties.threshold.default as number,
  primaryReadyThreshold: CanaryAnalysisSchema.properties.primaryReadyThreshold.default as number,
  canaryReadyThreshold: CanaryAnalysisSchema.properties.canaryReadyThreshold.default as number,
};
const progressDeadlineSecondsDefault = CanarySpecSchema.properties.progressDeadlineSeconds.default as number;
const webhookTypeDefault = CanaryWebhookSchema.properties.type.default as WebhookType;
const metricIntervalDefault = CanaryMetricSchema.properties.interval.default as string;
const portNameDefault = CanaryServiceSchema.properties.portName.default as string;

/** The Canary's settings; an interval that does not parse (refused by validation) reads as the default. */
export function canarySettings(canary: Pick<Canary, 'spec'>): CanarySettings {
  const analysis = canary.spec.analysis;
  return {
    interval: analysisInterval(analysis),
    threshold: Math.max(1, analysis.threshold ?? analysisDefaults.threshold),
    progressDeadline: Duration.fromMilliseconds((canary.spec.progressDeadlineSeconds ?? progressDeadlineSecondsDefault) * 1000),
    primaryReadyThreshold: analysis.primaryReadyThreshold ?? analysisDefaults.primaryReadyThreshold,
    canaryReadyThreshold: analysis.canaryReadyThreshold ?? analysisDefaults.canaryReadyThreshold,
  };
}

/** Time between analysis ticks. */
export function analysisInterval(analysis: Pick<CanaryAnalysis, 'interval'>): Duration {
  return Duration.tryParse(analysis.interval ?? analysisDefaults.interval) ?? Duration.parse(analysisDefaults.interval);
}

/** A webhook's type; an unset or empty type is a `rollout` hook, as in Flagger. */
export function webhookTypeOf(hook: Pick<CanaryWebhook, 'type'>): WebhookType {
  return hook.type || webhookTypeDefault;
}

/** The Canary's webhooks of one type, in the order they are written. */
export function webhooksOfType(analysis: Pick<CanaryAnalysis, 'webhooks'>, type: WebhookType): CanaryWebhook[] {
  return (analysis.webhooks ?? []).filter((hook) => webhookTypeOf(hook) === type);
}

/** The window a metric is measured over (Flagger's `metrics[].interval`). */
export function metricInterval(metric: Pick<CanaryMetric, 'interval'>): Duration {
  return Duration.tryParse(metric.interval ?? metricIntervalDefault) ?? Duration.parse(metricIntervalDefault);
}

/** The name of the generated Services' port. */
export function servicePortName(service: Pick<CanaryService, 'portName'>): string {
  return service.portName ?? portNameDefault;
}
