/**
 * Microsoft Teams body for a Workflows (Power Automate) "when a webhook request is received" flow: a
 * message whose single attachment is an Adaptive Card 1.4 with a title, the text and a FactSet. The old
 * Office 365 connector MessageCard is retired, so it is not produced.
 */
import type { AlertSeverity } from '../api/canary.ts';
import type { MessageContext } from './alert-provider.ts';
import type { Notification } from './message.ts';
import { durationLine, identityFacts, metricFacts } from './message-facts.ts';

const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
const ADAPTIVE_CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';

// Adaptive Card text colours are named, not free: Good, Warning, Attention.
const SEVERITY_COLOUR = { info: 'Good', warn: 'Warning', error: 'Attention' } as const satisfies Record<AlertSeverity, string>;

/** The JSON body for a Teams Workflows webhook. */
export function msTeamsMessage(message: Notification, context: MessageContext): Record<string, unknown> {
  const facts = [...identityFacts(message), ...metricFacts(message)];
  const footer = durationLine(message);
  const body: Record<string, unknown>[] = [
    { type: 'TextBlock', text: context.headline, size: 'Medium', weight: 'Bolder', color: SEVERITY_COLOUR[message.severity], wrap: true },
    { type: 'TextBlock', text: context.text, wrap: true },
    { type: 'FactSet', facts: facts.map((fact) => ({ title: fact.label, value: fact.value })) },
  ];
  if (footer) body.push({ type: 'TextBlock', text: footer, isSubtle: true, size: 'Small', wrap: true });

  return {
    type: 'message',
    attachments: [
      {
        contentType: ADAPTIVE_CARD_CONTENT_TYPE,
        contentUrl: null,
        content: { $schema: ADAPTIVE_CARD_SCHEMA, type: 'AdaptiveCard', version: '1.4', body },
      },
    ],
  };
}
