/**
 * Block Kit as a terminal shows it: the header, the text, the fields as "label: value" pairs and the
 * context line, with Slack's mrkdwn escapes undone, so a person reads what the channel would show.
 */
import type { SlackBlock, SlackBody } from './slack-receiver.ts';

/** The header text of a message (its first header block), or its plain text when it has none. */
export function slackHeadline(body: SlackBody): string {
  const header = allBlocks(body).find((block) => block.type === 'header');
  return header?.text?.text ?? body.text ?? '';
}

/** The message's fields as label → value ("Canary" → "podinfo"). */
export function slackFields(body: SlackBody): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const block of allBlocks(body)) {
    for (const field of block.fields ?? []) {
      const [label, ...value] = unescape(field.text).split('\n');
      fields[label.replace(/^\*(.*)\*$/, '$1')] = value.join(' ');
    }
  }
  return fields;
}

/** The message as a few indented lines. */
export function renderSlackMessage(body: SlackBody): string[] {
  const lines: string[] = [];
  const colour = body.attachments?.[0]?.color;
  lines.push(`┃ ${slackHeadline(body)}${colour ? `  (${colourName(colour)})` : ''}`);
  for (const block of allBlocks(body)) {
    if (block.type === 'section' && block.text) lines.push(`┃ ${unescape(block.text.text)}`);
    if (block.type === 'context') {
      const text = (block.elements ?? []).map((e) => unescape(e.text ?? '')).filter(Boolean).join(' ');
      if (text) lines.push(`┃ ${text}`);
    }
  }
  const fields = Object.entries(slackFields(body)).map(([label, value]) => `${label}: ${value}`);
  if (fields.length > 0) lines.push(`┃ ${fields.join(' · ')}`);
  return lines;
}

function allBlocks(body: SlackBody): SlackBlock[] {
  return [...(body.blocks ?? []), ...(body.attachments ?? []).flatMap((a) => a.blocks ?? [])];
}

function unescape(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

// The colour bar is the severity; a terminal says it in words.
function colourName(colour: string): string {
  const names: Record<string, string> = { '#2EB67D': 'info', '#ECB22E': 'warning', '#E01E5A': 'error' };
  return names[colour.toUpperCase()] ?? colour;
}
