/**
 * Slack incoming-webhook body in Block Kit: a header, the message text, the identity facts as section
 * fields, the failing metric on rollback, and a context line with the duration. The blocks sit inside an
 * attachment because only attachments carry a colour bar, which is how severity shows at a glance.
 */
import type { MessageContext } from './alert-provider.ts';
import type { Notification } from './message.ts';
import { durationLine, hexColour, identityFacts, metricFacts, SEVERITY_COLOURS, type Fact } from './message-facts.ts';

// Slack's documented limits: header text 150 characters, section text 3000, 10 fields of 2000.
const HEADER_LIMIT = 150;
const TEXT_LIMIT = 3000;
const FIELD_LIMIT = 2000;
const MAX_FIELDS = 10;

/** The JSON body for a Slack incoming webhook. */
export function slackMessage(message: Notification, context: MessageContext): Record<string, unknown> {
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(context.headline, HEADER_LIMIT), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: cut(escapeMrkdwn(context.text), TEXT_LIMIT) } },
    { type: 'section', fields: fields(identityFacts(message)) },
  ];
  const metric = metricFacts(message);
  if (metric.length) blocks.push({ type: 'section', fields: fields(metric) });
  const footer = durationLine(message);
  if (footer) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(footer) }] });

  return {
    ...(context.channel ? { channel: context.channel } : {}),
    ...(context.username ? { username: context.username } : {}),
    // The top-level text is what notifications and screen readers show.
    text: context.text,
    attachments: [{ color: hexColour(SEVERITY_COLOURS[message.severity]), blocks }],
  };
}

function fields(facts: Fact[]): { type: 'mrkdwn'; text: string }[] {
  return facts.slice(0, MAX_FIELDS).map((fact) => ({ type: 'mrkdwn', text: cut(`*${fact.label}*\n${escapeMrkdwn(fact.value)}`, FIELD_LIMIT) }));
}

/** Slack reads &, < and > as markup in mrkdwn; "91.2% < 99" must arrive escaped. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function cut(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}
