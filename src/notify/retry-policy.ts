/**
 * When a failed call is worth repeating and how long to wait first: Flagger's rules (connection errors,
 * 429 and 5xx except 501) with exponential backoff from 1 s doubling to 30 s.
 */
import type { PostOutcome } from './http-post.ts';

/** Backoff bounds; tests shrink `baseMs` so retries take milliseconds. */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 30_000 };

/** True when another attempt may succeed: no answer, 429, or a 5xx other than 501 Not Implemented. */
export function isRetriable(outcome: PostOutcome): boolean {
  if (outcome.kind === 'no-response') return true;
  return outcome.status === 429 || (outcome.status >= 500 && outcome.status !== 501);
}

/** Milliseconds to wait before retry number `retry` (0 for the first retry). */
export function backoffDelay(retry: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  return Math.min(policy.baseMs * 2 ** retry, policy.maxMs);
}
