import { Type, type Static } from '@sinclair/typebox';
import { ObjectMeta, StringEnum, Struct } from './schema-types.ts';
import { CANARY_API_VERSION } from './canary.ts';

/**
 * The AlertProvider kind: where a Canary's alerts go. The address is a credential (a Slack or Teams
 * incoming-webhook URL is enough to post), so it may live in a Secret under the key `address` instead.
 */

export const ALERT_PROVIDER_TYPES = ['slack', 'msteams', 'discord', 'googlechat', 'webhook'] as const;
export type AlertProviderType = (typeof ALERT_PROVIDER_TYPES)[number];

/**
 * The names a `spec.template` may use: the message's facts (see docs/notifications.md). A fact a message
 * does not carry renders as empty text.
 */
export const ALERT_TEMPLATE_VARIABLES = [
  'kind',
  'severity',
  'name',
  'namespace',
  'canary',
  'cluster',
  'revision',
  'weight',
  'reason',
  'duration',
  'durationMs',
  'steps',
  'actor',
  'action',
  'text',
  'headline',
  'metric.name',
  'metric.value',
  'metric.threshold',
  'metric.unit',
] as const;

/** The Secret key holding the address when `secretRef` is used, as Flagger's. */
export const ALERT_ADDRESS_SECRET_KEY = 'address';

export const AlertProviderSpecSchema = Struct({
  type: StringEnum(ALERT_PROVIDER_TYPES),
  address: Type.Optional(Type.String({ minLength: 1 })),
  secretRef: Type.Optional(Struct({ name: Type.String({ minLength: 1 }) })),
  channel: Type.Optional(Type.String()),
  username: Type.Optional(Type.String()),
  /** HTTP(S) proxy the messages are sent through. */
  proxy: Type.Optional(Type.String({ minLength: 1 })),
  /** Overrides the message text: a `{{ }}` template over the alert's fields. */
  template: Type.Optional(Type.String({ minLength: 1 })),
});

export const AlertProviderSchema = Struct({
  apiVersion: Type.Literal(CANARY_API_VERSION),
  kind: Type.Literal('AlertProvider'),
  metadata: ObjectMeta,
  spec: AlertProviderSpecSchema,
});

export type AlertProvider = Static<typeof AlertProviderSchema>;
export type AlertProviderSpec = Static<typeof AlertProviderSpecSchema>;
