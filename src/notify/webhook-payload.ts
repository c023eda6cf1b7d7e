/**
 * The JSON bodies Flagger posts to webhooks, so receivers written for Flagger (its load tester, approval
 * services) work unchanged with Kanari.
 */
import type { CanaryWebhook } from '../api/canary.ts';

/** What a gate needs to know about the Canary it is asked about. */
export interface CanaryRef {
  name: string;
  namespace: string;
  phase: string;
  /** Checksum of the revision under analysis (Flagger hashes lastAppliedSpec and trackedConfigs). */
  checksum: string;
}

/** The body of every gate call. */
export interface WebhookPayload {
  name: string;
  namespace: string;
  phase: string;
  checksum: string;
  metadata: Record<string, string>;
}

/** Kubernetes Event types, the only two an event hook reports. */
export type EventType = 'Normal' | 'Warning';

/** The body of an `event` hook call: like Flagger, the event travels inside `metadata`. */
export interface EventWebhookPayload extends WebhookPayload {
  metadata: Record<string, string> & { eventMessage: string; eventType: EventType; timestamp: string };
}

/** The body posted to a gate hook: the Canary's identity plus the hook's own metadata. */
export function gatePayload(canary: CanaryRef, hook: Pick<CanaryWebhook, 'metadata'>): WebhookPayload {
  return {
    name: canary.name,
    namespace: canary.namespace,
    phase: canary.phase,
    checksum: canary.checksum,
    metadata: { ...(hook.metadata ?? {}) },
  };
}

/**
 * The body posted to an event hook (and to the global event webhook). Flagger puts `eventMessage`,
 * `eventType` and `timestamp` (Unix milliseconds, as a string) in `metadata`, and the hook's own metadata
 * cannot overwrite them; receivers built for Flagger read them there.
 */
export function eventPayload(
  canary: CanaryRef,
  event: { message: string; type: EventType },
  now: Date,
  hook: Pick<CanaryWebhook, 'metadata'> = {},
): EventWebhookPayload {
  return {
    name: canary.name,
    namespace: canary.namespace,
    phase: canary.phase,
    checksum: canary.checksum,
    metadata: {
      ...(hook.metadata ?? {}),
      eventMessage: event.message,
      eventType: event.type,
      timestamp: String(now.getTime()),
    },
  };
}
