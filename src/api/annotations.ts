
/**
 * Manual control as annotations on the Canary, so GitOps and kubectl users can do everything the CLI
 * does. The value names who asked (`alice`) and may add when (`alice@2026-11-24T07:05:00Z`, what the
 * CLI writes); the whole value is the request's id. The engine records handled ids in status, so the
 * annotations stay in place (removing them would fight GitOps) and a request is asked again by changing
 * its value.
 */

export const MANUAL_REQUEST_KINDS = ['promote', 'promote-full', 'abort', 'pause', 'resume', 'retry'] as const;
export type ManualRequestKind = (typeof MANUAL_REQUEST_KINDS)[number];

/** A person's request from an annotation (`kanari.dev/promote: alice`) or the CLI. */
export interface ManualRequest {
  kind: ManualRequestKind;
  /** Who asked: the annotation's value or the CLI's user. */
  requestedBy: string;
  /** Unique per request (e.g. annotation value + resourceVersion at which it appeared, or a CLI nonce).
   * The engine records handled ids in status, so a request survives a crash and is acted on once. */
  id: string;
}

export const ANNOTATION_PREFIX = 'kanari.dev/';

/** The annotation key of each manual request kind: `kanari.dev/promote`, `kanari.dev/promote-full`, … */
export const MANUAL_REQUEST_ANNOTATIONS: Readonly<Record<ManualRequestKind, string>> = Object.freeze(
  Object.fromEntries(MANUAL_REQUEST_KINDS.map((kind) => [kind, `${ANNOTATION_PREFIX}${kind}`])) as Record<ManualRequestKind, string>,
);

// RFC 3339 with an explicit offset; `Date.parse` alone would also accept local times and loose formats.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Who asked and when, from an annotation value; `at` is epoch ms when the value carries a valid time. */
export interface RequestValue {
  who: string;
  at?: number;
}

/** Splits `who@time` at its last `@`, so an e-mail address as `who` survives (`a@b.org@2026-…`). */
export function parseRequestValue(value: string): RequestValue {
  const trimmed = value.trim();
  const at = trimmed.lastIndexOf('@');
  if (at > 0) {
    const time = trimmed.slice(at + 1);
    if (RFC3339.test(time) && !Number.isNaN(Date.parse(time))) return { who: trimmed.slice(0, at), at: Date.parse(time) };
  }
  return { who: trimmed };
}

/**
 * The manual requests the annotations hold, oldest first when their values carry times (so "pause then
 * resume" is acted on in that order), otherwise in the order of MANUAL_REQUEST_KINDS. Empty values are
 * no request.
 */
export function manualRequestsFromAnnotations(annotations: Readonly<Record<string, string>> | undefined): ManualRequest[] {
  if (annotations === undefined) return [];
  const found: { request: ManualRequest; at: number; order: number }[] = [];
  MANUAL_REQUEST_KINDS.forEach((kind, order) => {
    const value = annotations[MANUAL_REQUEST_ANNOTATIONS[kind]];
    if (typeof value !== 'string' || value.trim() === '') return;
    const parsed = parseRequestValue(value);
    // Untimed values sort first: they cannot be placed in time, and GitOps users write them by hand.
    found.push({ request: { kind, requestedBy: parsed.who, id: value.trim() }, at: parsed.at ?? -Infinity, order });
  });
  found.sort((a, b) => a.at - b.at || a.order - b.order);
  return found.map((entry) => entry.request);
}

/** The annotation `[key, value]` that asks for `kind` on behalf of `who` at `now` (`who@RFC3339`). */
export function requestAnnotation(kind: ManualRequestKind, who: string, now: Date | number): [string, string] {
  const time = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const name = who.trim() === '' ? 'unknown' : who.trim();
  return [MANUAL_REQUEST_ANNOTATIONS[kind], `${name}@${time}`];
}

/** True when `kind` is one of the manual request kinds (for CLI arguments and typed parsing). */
export function isManualRequestKind(kind: string): kind is ManualRequestKind {
  return (MANUAL_REQUEST_KINDS as readonly string[]).includes(kind);
}
