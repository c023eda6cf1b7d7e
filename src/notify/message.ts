/**
 * The notification model: what happened to which Canary, with the facts a person needs to act on it,
 * and the default text of each kind. Providers render it; templates reference its fields by name.
 */
import type { AlertSeverity } from '../api/canary.ts';
import { Duration } from '../api/duration.ts';
import { formatMetricNumber } from '../text/metric-value.ts';
import type { TemplateValues } from '../text/template.ts';

/**
 * What a message is about: the kinds the engine sends (the controller hands its notifications over, so
 * the compiler checks that each of them is here), each with a headline and a default text below.
 */
export type NotificationKind = 'new-revision' | 'waiting-approval' | 'promotion-finished' | 'rollback' | 'progress-deadline' | 'promotion-failed' | 'manual-action';

/** The metric that failed an analysis: `value` crossed `threshold` (a `min` bound unless said otherwise). */
export interface FailingMetric {
  name: string;
  value: number;
  threshold: number;
  /** Which side of the threshold range was crossed: `min` (value too low) or `max` (value too high). */
  bound?: 'min' | 'max';
  /** Printed after numbers, e.g. "%" or "ms". */
  unit?: string;
}

/**
 * One message about one Canary. The kind and severity are the engine's decision; `time` is given by the
 * caller so the model stays free of clocks.
 */
export interface Notification {
  kind: NotificationKind;
  severity: AlertSeverity;
  canary: { name: string; namespace: string };
  time: Date;
  cluster?: string;
  /** Short checksum of the revision under analysis. */
  revision?: string;
  /** Canary traffic weight in percent when the message was composed. */
  weight?: number;
  metric?: FailingMetric;
  reason?: string;
  durationMs?: number;
  /** Weight steps taken (canary strategy); `iterations` instead for blue/green and A/B. */
  steps?: number;
  iterations?: number;
  /** Who asked for a manual action (an annotation's value or the CLI's user). */
  actor?: string;
  /** The manual action: promote, abort, pause, resume, retry. */
  action?: string;
}

const HEADLINE: Record<NotificationKind, string> = {
  'new-revision': 'New revision',
  'waiting-approval': 'Waiting for approval',
  'promotion-finished': 'Promotion finished',
  rollback: 'Rolled back',
  'progress-deadline': 'Progress deadline exceeded',
  'promotion-failed': 'Promotion failed',
  'manual-action': 'Manual action',
};

/** A notification from the engine's kind and severity and the facts the shell adds. */
export function createNotification(input: Notification): Notification {
  return { ...input };
}

/** "podinfo.test": how Flagger and Kanari name a Canary in messages. */
export function canaryLabel(message: Pick<Notification, 'canary'>): string {
  return `${message.canary.name}.${message.canary.namespace}`;
}

/** The short title of a message ("Rolled back: podinfo.test"), for headers and card titles. */
export function headline(message: Notification): string {
  return `${HEADLINE[message.kind]}: ${canaryLabel(message)}`;
}

/** The default one-line text of a message. */
export function defaultText(message: Notification): string {
  const canary = canaryLabel(message);
  const why = message.reason ? `: ${message.reason}` : '';
  switch (message.kind) {
    case 'new-revision':
      return `New revision detected for ${canary}${message.revision ? ` (${message.revision})` : ''}`;
    case 'waiting-approval':
      return `Waiting for approval for ${canary}${why}`;
    case 'promotion-finished': {
      const facts = [stepsText(message) ?? '', message.durationMs !== undefined ? `in ${formatDuration(message.durationMs)}` : '']
        .filter(Boolean)
        .join(' ');
      return `Promotion finished for ${canary}${facts ? `: ${facts}` : ''}`;
    }
    case 'rollback':
      return `Rolled back ${canary}${message.metric ? `: ${describeMetric(message.metric)}` : why}`;
    case 'progress-deadline':
      return `Progress deadline exceeded for ${canary}${why}`;
    case 'promotion-failed':
      return `Promotion failed for ${canary}${why}`;
    case 'manual-action':
      return `${message.actor ?? 'Someone'} asked to ${message.action ?? 'act on'} ${canary}${why}`;
  }
}

/** "5 steps" or "4 iterations": what the run counted, in its strategy's terms; undefined when neither is known. */
export function stepsText(message: Pick<Notification, 'steps' | 'iterations'>): string | undefined {
  if (message.steps !== undefined) return `${message.steps} ${message.steps === 1 ? 'step' : 'steps'}`;
  if (message.iterations !== undefined) return `${message.iterations} ${message.iterations === 1 ? 'iteration' : 'iterations'}`;
  return undefined;
}

/** "request-success-rate 91.2% < 99%": the failing value against the bound it crossed, both in the metric's unit. */
export function describeMetric(metric: FailingMetric): string {
  const unit = metric.unit ?? '';
  return `${metric.name} ${formatNumber(metric.value)}${unit} ${metric.bound === 'max' ? '>' : '<'} ${formatNumber(metric.threshold)}${unit}`;
}

/** Durations the way the rest of Kanari prints them ("3m12s"), to the second. */
export function formatDuration(milliseconds: number): string {
  return Duration.fromMilliseconds(Math.round(milliseconds / 1000) * 1000).text;
}

/** Numbers with at most two decimals and no trailing zeros, as every other surface prints metric values. */
export const formatNumber = formatMetricNumber;

/** The values a message template is rendered with: exactly the API's ALERT_TEMPLATE_VARIABLES. */
export function templateValues(message: Notification): TemplateValues {
  const text = (value: string | number | undefined): string => (value === undefined ? '' : String(value));
  return {
    kind: message.kind,
    severity: message.severity,
    name: message.canary.name,
    namespace: message.canary.namespace,
    canary: canaryLabel(message),
    cluster: text(message.cluster),
    revision: text(message.revision),
    weight: text(message.weight),
    reason: text(message.reason),
    duration: message.durationMs === undefined ? '' : formatDuration(message.durationMs),
    durationMs: text(message.durationMs),
    steps: text(message.steps ?? message.iterations),
    actor: text(message.actor),
    action: text(message.action),
    text: defaultText(message),
    headline: headline(message),
    metric: {
      name: text(message.metric?.name),
      value: message.metric ? formatNumber(message.metric.value) : '',
      threshold: message.metric ? formatNumber(message.metric.threshold) : '',
      unit: text(message.metric?.unit),
    },
  };
}
