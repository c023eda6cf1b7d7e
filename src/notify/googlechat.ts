/**
 * Google Chat incoming-webhook body: a Cards v2 card with a header (title and the Canary as subtitle), the
 * text as a paragraph and each fact as a decoratedText widget with its label on top.
 */
import type { MessageContext } from './alert-provider.ts';
import type { Notification } from './message.ts';
import { durationLine, identityFacts, metricFacts } from './message-facts.ts';
import { canaryLabel } from './message.ts';

/** The JSON body for a Google Chat webhook. */
export function googleChatMessage(message: Notification, context: MessageContext): Record<string, unknown> {
  const facts = [...identityFacts(message), ...metricFacts(message)];
  const footer = durationLine(message);
  const widgets: Record<string, unknown>[] = [
    { textParagraph: { text: escapeHtml(context.text) } },
    ...facts.map((fact) => ({ decoratedText: { topLabel: fact.label, text: escapeHtml(fact.value) } })),
  ];
  if (footer) widgets.push({ textParagraph: { text: escapeHtml(footer) } });
  return {
    cardsV2: [
      {
        cardId: `kanari-${message.kind}`,
        card: {
          header: { title: context.headline, subtitle: `${canaryLabel(message)} · ${message.severity}` },
          sections: [{ widgets }],
        },
      },
    ],
  };
}

/** Card text is formatted as HTML; a "<" in "91.2% < 99" must not open a tag. */
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
