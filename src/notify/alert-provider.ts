import type { SecretReader } from '../kube/secret-reader.ts';
/**
 * The extension point for alert destinations: an AlertProvider object (type, address or Secret, proxy,
 * template) becomes a sender of Notifications. One file per platform formats the body; this file reads
 * the address, validates the spec and posts.
 */
import { Duration } from '../api/duration.ts';
import { redactSecrets } from '../log/redact.ts';
import { TemplateError } from '../text/template.ts';
import { discordMessage } from './discord.ts';
import { genericWebhookMessage } from './generic-webhook.ts';
import { googleChatMessage } from './googlechat.ts';
import { postJson } from './http-post.ts';
import { headline, type Notification } from './message.ts';
import { messageText, validateMessageTemplate } from './message-template.ts';
import { msTeamsMessage } from './msteams.ts';
import { responseExcerpt } from './response-excerpt.ts';
import { slackMessage } from './slack.ts';

export const ALERT_PROVIDER_TYPES = ['slack', 'msteams', 'discord', 'googlechat', 'webhook'] as const;

export type AlertProviderType = (typeof ALERT_PROVIDER_TYPES)[number];

// Flagger's spelling of Google Chat, and a name people reach for when they mean the plain JSON hook.
const TYPE_ALIASES: Record<string, AlertProviderType> = { gchat: 'googlechat', generic: 'webhook' };

/** `spec` of an AlertProvider (Flagger's fields plus `template` and `timeout`). */
export interface AlertProviderSpec {
  type: string;
  channel?: string;
  username?: string;
  address?: string;
  proxy?: string;
  /** Secret in the AlertProvider's namespace whose `address` (and optional `proxy`) key wins over the spec. */
  secretRef?: { name: string };
  /** Overrides the message text, e.g. "{{ headline }} ({{ cluster }}): {{ reason }}". */
  template?: string;
  /** Per-send deadline; default 10s. */
  timeout?: string;
}

/** The parts of an AlertProvider object this package reads. */
export interface AlertProviderObject {
  metadata: { name: string; namespace: string };
  spec: AlertProviderSpec;
}

/** What a formatter needs besides the message itself. */
export interface MessageContext {
  /** The message text: the template's output or the default text. */
  text: string;
  headline: string;
  channel?: string;
  username?: string;
}

/** Turns a Notification into the JSON body one platform expects. */
export type MessageFormatter = (message: Notification, context: MessageContext) => unknown;

/** The outcome of one send; `reason` is redacted and fit for logs and Events. */
export type SendResult = { ok: true; status: number } | { ok: false; status?: number; reason: string };

/** A configured destination. */
export interface AlertProvider {
  readonly type: AlertProviderType;
  /** "namespace/name" of the AlertProvider object. */
  readonly id: string;
  /** Posts the message; never throws, never outlives its timeout. */
  send(message: Notification): Promise<SendResult>;
}

/** An AlertProvider that cannot be used as written; the message is redacted and names what to fix. */
export class AlertProviderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlertProviderError';
  }
}

const FORMATTERS: Record<AlertProviderType, MessageFormatter> = {
  slack: slackMessage,
  msteams: msTeamsMessage,
  discord: discordMessage,
  googlechat: googleChatMessage,
  webhook: genericWebhookMessage,
};

const DEFAULT_TIMEOUT_MS = 10_000;

/** The canonical type for a spec's `type`, or undefined when Kanari has no such provider. */
export function alertProviderType(type: string): AlertProviderType | undefined {
  const known: readonly string[] = ALERT_PROVIDER_TYPES;
  return known.includes(type) ? (type as AlertProviderType) : TYPE_ALIASES[type];
}

/** Problems of a spec that can be seen without reading its Secret, each naming the field; empty when valid. */
export function validateAlertProviderSpec(spec: AlertProviderSpec): string[] {
  const problems: string[] = [];
  if (!alertProviderType(spec.type)) problems.push(`spec.type "${spec.type}" is not one of ${ALERT_PROVIDER_TYPES.join(', ')}`);
  if (!spec.address && !spec.secretRef?.name) problems.push('spec.address or spec.secretRef is required');
  if (spec.address && !isHttpUrl(spec.address)) problems.push(`spec.address ${redactSecrets(spec.address)} is not an http(s) URL`);
  if (spec.proxy && !isHttpUrl(spec.proxy)) problems.push(`spec.proxy ${redactSecrets(spec.proxy)} is not an http(s) URL`);
  if (spec.timeout !== undefined && !(Duration.tryParse(spec.timeout)?.milliseconds ?? 0)) {
    problems.push(`spec.timeout "${spec.timeout}" is not a positive duration such as 10s`);
  }
  if (spec.template) {
    try {
      validateMessageTemplate(spec.template);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      problems.push(`spec.template: ${err.message}`);
    }
  }
  return problems;
}

/** Builds the sender for an AlertProvider, reading its Secret; throws AlertProviderError when unusable. */
export async function createAlertProvider(
  object: AlertProviderObject,
  readSecret: SecretReader,
  options: { defaultTimeoutMs?: number } = {},
): Promise<AlertProvider> {
  const { spec, metadata } = object;
  const id = `${metadata.namespace}/${metadata.name}`;
  const problems = validateAlertProviderSpec(spec);
  if (problems.length) throw new AlertProviderError(`AlertProvider ${id}: ${problems.join('; ')}`);
  const type = alertProviderType(spec.type) as AlertProviderType;

  let secret: Record<string, string> = {};
  if (spec.secretRef?.name) {
    try {
      secret = await readSecret(metadata.namespace, spec.secretRef.name);
    } catch (err) {
      const why = redactSecrets(err instanceof Error ? err.message : String(err));
      throw new AlertProviderError(`AlertProvider ${id}: cannot read Secret ${spec.secretRef.name}: ${why}`);
    }
  }
  // Whatever the Secret holds is redacted whole, address included: its owner chose to keep it secret. An
  // address written in the spec is redacted by URL rules only, so the host stays visible.
  const knownSecrets = Object.values(secret).flatMap(withUrlPath).filter((value) => value.length >= 4);
  const address = secret.address || spec.address;
  const proxy = secret.proxy || spec.proxy;
  if (!address || !isHttpUrl(address)) {
    throw new AlertProviderError(
      `AlertProvider ${id}: ${address ? 'the address is not an http(s) URL' : 'no address'}; set spec.address or the "address" key of Secret ${spec.secretRef?.name ?? '(none)'}`,
    );
  }
  const timeoutMs = spec.timeout ? Duration.parse(spec.timeout).milliseconds : (options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS);
  const format = FORMATTERS[type];

  return {
    type,
    id,
    async send(message) {
      let body: unknown;
      try {
        body = format(message, { text: messageText(message, spec.template), headline: headline(message), channel: spec.channel, username: spec.username });
      } catch (err) {
        return { ok: false, reason: `${type} ${id}: ${redactSecrets(err instanceof Error ? err.message : String(err), knownSecrets)}` };
      }
      const outcome = await postJson(address, body, { timeoutMs, proxy, knownSecrets });
      if (outcome.kind === 'no-response') return { ok: false, reason: `${type} ${id}: ${outcome.reason}` };
      if (outcome.status >= 200 && outcome.status < 300) return { ok: true, status: outcome.status };
      const excerpt = responseExcerpt(outcome.body);
      return { ok: false, status: outcome.status, reason: `${type} ${id} answered ${outcome.status}${excerpt ? `: ${excerpt}` : ''}` };
    },
  };
}

/** A secret URL plus its path and query: receivers echo the path they were called on without the host. */
function withUrlPath(value: string): string[] {
  try {
    const { pathname, search } = new URL(value);
    return pathname.length > 1 ? [value, `${pathname}${search}`] : [value];
  } catch {
    return [value];
  }
}

function isHttpUrl(url: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}
