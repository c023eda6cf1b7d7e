/**
 * Kanari's own JSON for the `webhook` provider: the message model as plain fields, for receivers that
 * want data rather than a chat card.
 */
import type { MessageContext } from './alert-provider.ts';
import { formatDuration, type Notification } from './message.ts';

/** The JSON body for a generic webhook. */
export function genericWebhookMessage(message: Notification, context: MessageContext): Record<string, unknown> {
  return {
    kind: message.kind,
    severity: message.severity,
    headline: context.headline,
    text: context.text,
    canary: { name: message.canary.name, namespace: message.canary.namespace },
    cluster: message.cluster,
    revision: message.revision,
    weight: message.weight,
    metric: message.metric,
    reason: message.reason,
    durationMs: message.durationMs,
    duration: message.durationMs === undefined ? undefined : formatDuration(message.durationMs),
    steps: message.steps,
    iterations: message.iterations,
    actor: message.actor,
    action: message.action,
    timestamp: message.time.toISOString(),
  };
}
