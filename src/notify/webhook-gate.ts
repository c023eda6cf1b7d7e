/**
 * Calls one Flagger-style webhook and reports the gate's answer. The engine decides when a gate runs and
 * what its answer means; this decides only how the call is made. Every call is its own promise with its
 * own deadline: nothing here is shared between calls, so a slow hook of one Canary never delays another.
 */
import { CanaryWebhookSchema, type CanaryWebhook } from '../api/canary.ts';
import { Duration } from '../api/duration.ts';
import { isAbsoluteHttpUrl } from '../api/http-url.ts';
import { redactSecrets } from '../log/redact.ts';
import { postJson, type PostOutcome } from './http-post.ts';
import { responseExcerpt } from './response-excerpt.ts';
import { backoffDelay, DEFAULT_BACKOFF, isRetriable, type BackoffPolicy } from './retry-policy.ts';
import type { WebhookPayload } from './webhook-payload.ts';

/** A gate's answer: open (2xx up to 202) or closed with a reason a person can act on. */
export type GateResult = { ok: true; status: number } | { ok: false; status?: number; reason: string };

/** Knobs for callers and tests. */
export interface WebhookCallOptions {
  backoff?: BackoffPolicy;
  /** Values to redact from reasons besides credentials in URLs. */
  knownSecrets?: readonly string[];
}

/** The deadline of one attempt when the hook names none: the schema's default for `webhooks[].timeout`. */
const DEFAULT_WEBHOOK_TIMEOUT = CanaryWebhookSchema.properties.timeout.default as string;

/** Flagger treats 200, 201 and 202 as success and anything above as a failed gate. */
const HIGHEST_SUCCESS_STATUS = 202;

/** POSTs `payload` to the hook, retrying as its spec allows; resolves with the answer, never throws. */
export async function callWebhook(hook: CanaryWebhook, payload: WebhookPayload, options: WebhookCallOptions = {}): Promise<GateResult> {
  const timeout = Duration.tryParse(hook.timeout || DEFAULT_WEBHOOK_TIMEOUT);
  if (!timeout || timeout.milliseconds <= 0) {
    return { ok: false, reason: `webhook ${hook.name}: timeout ${JSON.stringify(hook.timeout)} is not a positive duration such as 30s` };
  }
  if (!isAbsoluteHttpUrl(hook.url)) {
    return { ok: false, reason: `webhook ${hook.name}: ${redactSecrets(hook.url, options.knownSecrets)} is not an http(s) URL` };
  }
  const retries = Math.max(0, Math.floor(hook.retries ?? 0));
  const backoff = options.backoff ?? DEFAULT_BACKOFF;

  let outcome: PostOutcome | undefined;
  let attempt = 0;
  for (; attempt <= retries; attempt += 1) {
    if (attempt > 0) await delay(backoffDelay(attempt - 1, backoff));
    outcome = await postJson(hook.url, payload, {
      timeoutMs: timeout.milliseconds,
      insecureTLS: hook.disableTLS,
      knownSecrets: options.knownSecrets,
    });
    if (outcome.kind === 'response' && outcome.status <= HIGHEST_SUCCESS_STATUS) return { ok: true, status: outcome.status };
    if (!isRetriable(outcome)) break;
  }
  return failure(hook.name, outcome as PostOutcome, Math.min(attempt, retries));
}

// The retries are said before the answer's text, not in parentheses after it: the reason goes into
// Events that put it in parentheses of their own ("waiting for approval (…)").
function failure(name: string, outcome: PostOutcome, retriesMade: number): GateResult {
  const after = retriesMade > 0 ? ` after ${retriesMade} ${retriesMade === 1 ? 'retry' : 'retries'}` : '';
  if (outcome.kind === 'no-response') return { ok: false, reason: `webhook ${name}${after ? `,${after}` : ''}: ${outcome.reason}` };
  const excerpt = responseExcerpt(outcome.body, undefined, outcome.headers['content-type']);
  return {
    ok: false,
    status: outcome.status,
    reason: `webhook ${name} answered ${outcome.status}${after}${excerpt ? `: ${excerpt}` : ''}`,
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
