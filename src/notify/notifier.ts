/**
 * Delivers Notifications to a Canary's alerts and events to event webhooks without ever holding up the
 * rollout: every send is started and forgotten by the caller, has its own deadline, and ends in a log
 * line and a count, never in an exception. `flush()` lets shutdown and tests wait for what is in flight.
 */
import { Counter, type Registry } from 'prom-client';
import type { CanaryAlert, CanaryWebhook } from '../api/canary.ts';
import type { Logger } from '../log/logger.ts';
import { redactSecrets } from '../log/redact.ts';
import { createAlertProvider, knownAlertProviderType, type AlertProviderObject, type SendResult } from './alert-provider.ts';
import type { SecretReader } from '../kube/secret-reader.ts';
import type { Notification } from './message.ts';
import { passesSeverityFilter } from './severity.ts';
import type { BackoffPolicy } from './retry-policy.ts';
import { callWebhook } from './webhook-gate.ts';
import { webhooksOfType } from '../api/canary-settings.ts';
import { eventPayload, type CanaryRef, type EventType } from './webhook-payload.ts';

/** Finds an AlertProvider object (from the informer cache in the controller). */
export type AlertProviderLookup = (namespace: string, name: string) => Promise<AlertProviderObject | undefined>;

/** What a Notifier is built from; nothing global. */
export interface NotifierOptions {
  logger: Logger;
  /** Where `kanari_notifications_total` is registered. */
  registry: Registry;
  lookupProvider: AlertProviderLookup;
  readSecret: SecretReader;
  /** The `--event-webhook` flag: receives every event payload of every Canary. */
  globalEventWebhook?: string;
  /** Backoff of event hook retries; tests shrink it. */
  backoff?: BackoffPolicy;
  /** Deadline of one alert send; 10 s unless a test shrinks it. */
  alertTimeoutMs?: number;
}

/** The delivery side of notifications. */
export interface Notifier {
  /** Sends `message` to every alert (a Canary's `analysis.alerts[]`) whose severity filter passes it; returns at once. */
  notify(alerts: readonly CanaryAlert[], message: Notification): void;
  /** Posts an event to the Canary's `event` hooks and to the global event webhook; returns at once. */
  publishEvent(canary: CanaryRef, event: { message: string; type: EventType }, now: Date, hooks?: readonly CanaryWebhook[]): void;
  /** Resolves when every send started so far has finished. */
  flush(): Promise<void>;
}

const EVENT_WEBHOOK_PROVIDER = 'event-webhook';

/** Builds a Notifier; its counter is registered on `options.registry` (reused if already there). */
export function createNotifier(options: NotifierOptions): Notifier {
  const { logger } = options;
  const sends = notificationsCounter(options.registry);
  const inFlight = new Set<Promise<void>>();

  const track = (work: Promise<void>): void => {
    const guarded = work.catch((err: unknown) => {
      // Every path above already reports its failures; this is the net for a bug, so it must not throw either.
      logger.error({ err: redactSecrets(err instanceof Error ? err.message : String(err)) }, 'notification send crashed');
    });
    inFlight.add(guarded);
    void guarded.finally(() => inFlight.delete(guarded));
  };

  const sendAlert = async (alert: CanaryAlert, message: Notification): Promise<void> => {
    const namespace = alert.providerRef.namespace || message.canary.namespace;
    const context = {
      alert: alert.name,
      providerRef: `${namespace}/${alert.providerRef.name}`,
      canary: message.canary.name,
      namespace: message.canary.namespace,
      kind: message.kind,
    };
    let providerType = 'unresolved';
    let result: SendResult;
    try {
      const object = await options.lookupProvider(namespace, alert.providerRef.name);
      if (!object) {
        result = { ok: false, reason: `AlertProvider ${namespace}/${alert.providerRef.name} not found` };
      } else {
        providerType = knownAlertProviderType(object.spec.type) ?? 'unknown';
        const provider = await createAlertProvider(object, options.readSecret, { timeoutMs: options.alertTimeoutMs });
        providerType = provider.type;
        result = await provider.send(message);
      }
    } catch (err) {
      result = { ok: false, reason: redactSecrets(err instanceof Error ? err.message : String(err)) };
    }
    sends.inc({ provider: providerType, result: result.ok ? 'success' : 'failure' });
    if (result.ok) logger.debug({ ...context, provider: providerType }, 'notification sent');
    else logger.warn({ ...context, provider: providerType, reason: redactSecrets(result.reason) }, 'notification failed');
  };

  const sendEvent = async (hook: CanaryWebhook, canary: CanaryRef, event: { message: string; type: EventType }, now: Date): Promise<void> => {
    const result = await callWebhook(hook, eventPayload(canary, event, now, hook), { backoff: options.backoff });
    sends.inc({ provider: EVENT_WEBHOOK_PROVIDER, result: result.ok ? 'success' : 'failure' });
    if (!result.ok) {
      logger.warn({ webhook: hook.name, canary: canary.name, namespace: canary.namespace, reason: redactSecrets(result.reason) }, 'event webhook failed');
    }
  };

  return {
    notify(alerts, message) {
      for (const alert of alerts) {
        if (passesSeverityFilter(message.severity, alert.severity)) track(sendAlert(alert, message));
      }
    },
    publishEvent(canary, event, now, hooks = []) {
      const targets = webhooksOfType({ webhooks: [...hooks] }, 'event');
      if (options.globalEventWebhook) targets.push({ name: 'global-event-webhook', type: 'event', url: options.globalEventWebhook });
      for (const hook of targets) track(sendEvent(hook, canary, event, now));
    },
    async flush() {
      while (inFlight.size) await Promise.all([...inFlight]);
    },
  };
}

function notificationsCounter(registry: Registry): Counter<'provider' | 'result'> {
  const name = 'kanari_notifications_total';
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<'provider' | 'result'>;
  return new Counter({
    name,
    help: 'Alert notifications and event webhook calls, by provider type and result (success, failure).',
    labelNames: ['provider', 'result'],
    registers: [registry],
  });
}
