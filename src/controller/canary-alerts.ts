import type { Canary } from '../api/canary.ts';
import type { Notification as EngineNotification, NotificationFacts } from '../engine/actions.ts';
import type { Notifier as NotifierPort } from '../engine/ports.ts';
import { strategyOf } from '../engine/strategy.ts';
import { createNotification, type FailingMetric, type Notification } from '../notify/message.ts';
import type { Notifier } from '../notify/notifier.ts';
import { metricUnit } from '../text/metric-value.ts';

/**
 * The engine's Notifier port over notify/'s Notifier: adds to the engine's facts what only the shell
 * knows (cluster, time, current weight) and sends the message to the Canary's alerts without waiting.
 */
export class CanaryAlerts implements NotifierPort {
  private readonly notifier: Notifier;
  private readonly cluster?: string;
  private readonly now: () => number;

  constructor(options: { notifier: Notifier; cluster?: string; now: () => number }) {
    this.notifier = options.notifier;
    this.cluster = options.cluster;
    this.now = options.now;
  }

  async notify(canary: Canary, notification: EngineNotification): Promise<void> {
    const alerts = canary.spec.analysis.alerts ?? [];
    if (alerts.length === 0) return;
    this.notifier.notify(alerts, toMessage(canary, notification, this.cluster, new Date(this.now())));
  }
}

/** The typed message for one engine notification: the engine's facts plus what only the shell knows. */
export function toMessage(canary: Canary, notification: EngineNotification, cluster: string | undefined, time: Date): Notification {
  const { facts } = notification;
  return createNotification({
    kind: notification.kind,
    severity: notification.severity,
    canary: { name: canary.metadata.name ?? '', namespace: canary.metadata.namespace ?? 'default' },
    time,
    cluster,
    revision: facts.revision?.slice(0, 12),
    weight: shownWeight(notification.kind, canary),
    metric: failingMetric(facts.metric),
    reason: facts.reason ?? notification.message,
    durationMs: facts.durationMs,
    steps: facts.steps,
    iterations: facts.iterations,
    actor: facts.requestedBy,
    action: facts.action,
  });
}

/**
 * The canary's weight where it tells something: how much traffic a release had when it was rolled back
 * or held. Not once promotion finished (the new version then serves everyone as the primary, so "0%"
 * would mislead), nor for a new revision (always 0 before its run), nor under A/B (its 100% applies
 * to matching requests only).
 */
function shownWeight(kind: EngineNotification['kind'], canary: Canary): number | undefined {
  if (kind === 'promotion-finished' || kind === 'new-revision' || strategyOf(canary.spec.analysis) === 'ab-testing') return undefined;
  return canary.status?.canaryWeight;
}

/** The bound the value crossed: below `min`, else above `max`; no message field when there is no value. */
function failingMetric(metric: NotificationFacts['metric']): FailingMetric | undefined {
  if (!metric || metric.value === undefined) return undefined;
  const bound = metric.min !== undefined && metric.value < metric.min ? 'min' : 'max';
  const threshold = bound === 'min' ? metric.min : metric.max;
  if (threshold === undefined) return undefined;
  return { name: metric.name, value: metric.value, threshold, bound, unit: metricUnit(metric.name) || undefined };
}
