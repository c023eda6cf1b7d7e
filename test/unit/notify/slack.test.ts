import { slackMessage } from '../../../src/notify/slack.ts';
import { contextOf, promoted, rollback } from './fixtures.ts';

// Checked against Slack's Block Kit reference: header (plain_text), section (text or fields of mrkdwn
// text objects, at most 10), context (elements), and attachments carrying `color` and `blocks`.
describe('Slack body', () => {
  const body = slackMessage(rollback, contextOf(rollback, { channel: '#releases', username: 'kanari' })) as {
    channel: string;
    username: string;
    text: string;
    attachments: { color: string; blocks: Record<string, unknown>[] }[];
  };
  const blocks = body.attachments[0].blocks;

  test('channel, username and a plain fallback text at the top level', () => {
    expect(body.channel).toBe('#releases');
    expect(body.username).toBe('kanari');
    expect(body.text).toBe('Rolled back podinfo.test: request-success-rate 91.2% < 99%');
  });

  test('one attachment coloured red for an error, wrapping the blocks', () => {
    expect(body.attachments).toHaveLength(1);
    expect(body.attachments[0].color).toBe('#E01E5A');
  });

  test('a header block with plain text', () => {
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Rolled back: podinfo.test', emoji: true } });
  });

  test('the text in a mrkdwn section, with < escaped', () => {
    expect(blocks[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: 'Rolled back podinfo.test: request-success-rate 91.2% &lt; 99%' } });
  });

  test('canary, namespace, cluster, revision and weight as section fields', () => {
    expect(blocks[2]).toEqual({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*Canary*\npodinfo' },
        { type: 'mrkdwn', text: '*Namespace*\ntest' },
        { type: 'mrkdwn', text: '*Cluster*\nprod-eu' },
        { type: 'mrkdwn', text: '*Revision*\n6d5f8c7' },
        { type: 'mrkdwn', text: '*Weight*\n30%' },
      ],
    });
  });

  test('the failing metric with its value and threshold in its own section', () => {
    expect(blocks[3]).toEqual({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*Metric*\nrequest-success-rate' },
        { type: 'mrkdwn', text: '*Value*\n91.2%' },
        { type: 'mrkdwn', text: '*Minimum*\n99%' },
      ],
    });
  });

  test('a context block with the duration and steps', () => {
    expect(blocks[4]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Duration 3m12s · 3 steps' }] });
    expect(blocks).toHaveLength(5);
  });

  test('an info message is green, has no metric section or context, and no channel when unset', () => {
    const info = slackMessage(promoted, contextOf(promoted)) as { channel?: string; attachments: { color: string; blocks: { type: string }[] }[] };
    expect(info.channel).toBeUndefined();
    expect(info.attachments[0].color).toBe('#2EB67D');
    expect(info.attachments[0].blocks.map((b) => b.type)).toEqual(['header', 'section', 'section']);
  });
});
