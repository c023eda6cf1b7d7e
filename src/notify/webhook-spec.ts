import type { CanaryWebhook } from '../api/canary.ts';

/** One webhook of a Canary, as the API defines it (Flagger's `CanaryWebhook`); notify/ calls it. */
export type WebhookSpec = CanaryWebhook;
