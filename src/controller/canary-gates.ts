import type { Canary, CanaryWebhook } from '../api/canary.ts';
import { webhookTypeOf } from '../api/canary-settings.ts';
import type { GateAnswer } from '../engine/observation.ts';
import type { Gates } from '../engine/ports.ts';
import type { BackoffPolicy } from '../notify/retry-policy.ts';
import { callWebhook } from '../notify/webhook-gate.ts';
import { gatePayload, type CanaryRef } from '../notify/webhook-payload.ts';

/** The Flagger payload's view of a Canary: its identity, phase, and the revision under analysis. */
export function canaryRef(canary: Canary): CanaryRef {
  return {
    name: canary.metadata.name ?? '',
    namespace: canary.metadata.namespace ?? 'default',
    phase: canary.status?.phase ?? '',
    checksum: canary.status?.lastAppliedSpec ?? '',
  };
}

/** The engine's Gates: one Flagger webhook call per ask; the answer never throws. */
export class CanaryGates implements Gates {
  private readonly backoff?: BackoffPolicy;

  constructor(options: { backoff?: BackoffPolicy } = {}) {
    this.backoff = options.backoff;
  }

  async ask(canary: Canary, webhook: CanaryWebhook): Promise<GateAnswer> {
    const result = await callWebhook(webhook, gatePayload(canaryRef(canary), webhook), { backoff: this.backoff });
    const answer: GateAnswer = { name: webhook.name, type: webhookTypeOf(webhook), ok: result.ok };
    if (!result.ok) answer.reason = result.reason;
    return answer;
  }
}
