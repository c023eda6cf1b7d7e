import type { Canary } from '../api/canary.ts';
import { Duration } from '../api/duration.ts';
import type { Notification as EngineNotification } from '../engine/actions.ts';
import type { Notifier as NotifierPort } from '../engine/ports.ts';
import { createNotification, type FailingMetric, type Notification, type NotificationKind } from '../notify/message.ts';
import type { Notifier } from '../notify/notifier.ts';

/**
 * The engine's Notifier port over notify/'s Notifier: turns the engine's plain-string facts into the
 * typed message providers render, and sends it to the Canary's alerts without waiting.
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

const KIND: Record<EngineNotification['kind'], NotificationKind> = {
  'new-revision': 'new-revision',
  'waiting-approval': 'waiting-approval',
  'promotion-finished': 'promotion-finished',
  rollback: 'rollback',
  'progress-deadline': 'progress-deadline',
  'manual-action': 'manual-action',
  'no-traffic': 'rollback',
};

/** The typed message for one engine notification. */
export function toMessage(canary: Canary, notification: EngineNotification, cluster: string | undefined, time: Date): Notification {
  const { fields } = notification;
  const duration = fields.duration ? Duration.tryParse(fields.duration) : undefined;
  return createNotification({
    kind: KIND[notification.kind],
    severity: notification.severity,
    canary: { name: canary.metadata.name ?? '', namespace: canary.metadata.namespace ?? 'default' },
    time,
    cluster,
    revision: fields.revision ? fields.revision.slice(0, 12) : undefined,
    weight: canary.status?.canaryWeight,
    metric: failingMetric(fields),
    reason: fields.reason ?? notification.message,
    durationMs: duration?.milliseconds,
    steps: fields.steps === undefined ? undefined : Number(fields.steps),
    actor: fields.requestedBy,
    action: fields.action,
  });
}

/** The engine writes the threshold as "min 99" or "max 500"; the message wants the crossed bound. */
function failingMetric(fields: Record<string, string>): FailingMetric | undefined {
  const value = Number(fields.value);
  const bound = /^(min|max) (-?[\d.]+)/.exec(fields.threshold ?? '');
  if (!fields.metric || !Number.isFinite(value) || !bound) return undefined;
  const unit = fields.metric === 'request-success-rate' ? '%' : fields.metric === 'request-duration' ? 'ms' : undefined;
  return { name: fields.metric, value, threshold: Number(bound[2]), bound: bound[1] as 'min' | 'max', unit };
}
