/**
 * A Canary's `analysis.webhooks[]` entry, exactly as Flagger defines it, and the gate types the engine
 * runs at each point of a rollout.
 */

// The webhook types are the API's: one list for the schema, the engine and the caller.
import type { WebhookType } from '../api/canary.ts';

/** One webhook of a Canary (Flagger's `CanaryWebhook`). */
export interface WebhookSpec {
  name: string;
  type?: WebhookType | '';
  url: string;
  /** Go duration per attempt; default 10s. */
  timeout?: string;
  /** Extra attempts on connection errors, timeouts, 429 and 5xx (not 501); default 0. */
  retries?: number;
  metadata?: Record<string, string>;
  /** Do not send an alert when this gate fails (the engine reads it). */
  muteAlert?: boolean;
  /** Accept any TLS certificate from this receiver. */
  disableTLS?: boolean;
}

/** The hook's type with Flagger's default applied. */
export function webhookType(hook: Pick<WebhookSpec, 'type'>): WebhookType {
  return hook.type ? hook.type : 'rollout';
}
