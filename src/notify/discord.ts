/**
 * Discord execute-webhook body: one embed with title, description, a severity colour (an integer), the
 * facts as inline fields and an ISO 8601 timestamp.
 */
import type { MessageContext } from './alert-provider.ts';
import type { Notification } from './message.ts';
import { durationLine, identityFacts, metricFacts, SEVERITY_COLOURS } from './message-facts.ts';

// Discord's documented embed limits.
const TITLE_LIMIT = 256;
const DESCRIPTION_LIMIT = 4096;
const FIELD_VALUE_LIMIT = 1024;
const MAX_FIELDS = 25;

/** The JSON body for a Discord webhook. */
export function discordMessage(message: Notification, context: MessageContext): Record<string, unknown> {
  const facts = [...identityFacts(message), ...metricFacts(message)];
  const footer = durationLine(message);
  const description = footer ? `${context.text}\n${footer}` : context.text;
  return {
    ...(context.username ? { username: context.username } : {}),
    embeds: [
      {
        title: cut(context.headline, TITLE_LIMIT),
        description: cut(description, DESCRIPTION_LIMIT),
        color: SEVERITY_COLOURS[message.severity],
        fields: facts.slice(0, MAX_FIELDS).map((fact) => ({ name: fact.label, value: cut(fact.value, FIELD_VALUE_LIMIT), inline: true })),
        timestamp: message.time.toISOString(),
      },
    ],
  };
}

function cut(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}
