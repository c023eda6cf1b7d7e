/**
 * The extension point for alert destinations: an AlertProvider object (type, address or Secret, proxy,
 * template) becomes a sender of Notifications. One file per platform formats the body; this file reads
 * the address, checks the object against the API's rules and posts.
 */
import { ALERT_PROVIDER_TYPES, type AlertProvider as AlertProviderResource, type AlertProviderType } from '../api/alert-provider.ts';
import { alertProviderRules } from '../api/alert-provider-rules.ts';
import { isAbsoluteHttpUrl } from '../api/http-url.ts';
import { shownValueAt } from '../api/offending-value.ts';
import { formatValidationError, type ValidationError } from '../api/validation-error.ts';
import type { SecretReader } from '../kube/secret-reader.ts';
import { redactSecrets } from '../log/redact.ts';
import { discordMessage } from './discord.ts';
import { genericWebhookMessage } from './generic-webhook.ts';
import { googleChatMessage } from './googlechat.ts';
import { postJson } from './http-post.ts';
import { headline, type Notification } from './message.ts';
import { messageText } from './message-template.ts';
import { msTeamsMessage } from './msteams.ts';
import { responseExcerpt } from './response-excerpt.ts';
import { slackMessage } from './slack.ts';

/** The parts of an AlertProvider object this package reads: its spec, and the name and namespace it was found under. */
export type AlertProviderObject = Pick<AlertProviderResource, 'spec'> & { metadata: { name: string; namespace: string } };

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

/**
 * The provider type of a spec, or undefined when Kanari has none of that name. The schema's enum already
 * says so; this guards objects the informer cache holds from a cluster that did not enforce it.
 */
export function knownAlertProviderType(type: unknown): AlertProviderType | undefined {
  return ALERT_PROVIDER_TYPES.find((known) => known === type);
}

/** Problems of an AlertProvider that can be seen without reading its Secret: the API's rules, and a type Kanari can send to. */
function alertProviderProblems(object: AlertProviderObject): string[] {
  const type = object.spec.type;
  const unknownType: ValidationError[] = knownAlertProviderType(type) ? [] : [{ path: 'spec.type', message: `must be one of: ${ALERT_PROVIDER_TYPES.join(', ')}` }];
  // Worded as `kanari validate` words them: field = value: rule (no value for addresses and proxies).
  return [...unknownType, ...alertProviderRules(object)].map((error) => formatValidationError({ ...error, value: error.value ?? shownValueAt(object, error.path) }));
}

/** Builds the sender for an AlertProvider, reading its Secret; throws AlertProviderError when unusable. */
export async function createAlertProvider(
  object: AlertProviderObject,
  readSecret: SecretReader,
  options: { timeoutMs?: number } = {},
): Promise<AlertProvider> {
  const { spec, metadata } = object;
  const id = `${metadata.namespace}/${metadata.name}`;
  const problems = alertProviderProblems(object);
  if (problems.length) throw new AlertProviderError(`AlertProvider ${id}: ${problems.join('; ')}`);
  const type = spec.type;

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
  if (!address || !isAbsoluteHttpUrl(address)) {
    throw new AlertProviderError(
      `AlertProvider ${id}: ${address ? 'the address is not an http(s) URL' : 'no address'}; set spec.address or the "address" key of Secret ${spec.secretRef?.name ?? '(none)'}`,
    );
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
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
      const excerpt = responseExcerpt(outcome.body, undefined, outcome.headers['content-type']);
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
