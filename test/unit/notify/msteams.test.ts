import { msTeamsMessage } from '../../../src/notify/msteams.ts';
import { contextOf, promoted, rollback } from './fixtures.ts';

// Checked against the Teams Workflows webhook format: {type: "message", attachments: [{contentType:
// "application/vnd.microsoft.card.adaptive", contentUrl: null, content: AdaptiveCard}]}, and the
// Adaptive Card schema (TextBlock, FactSet with facts of {title, value}).
describe('Microsoft Teams body', () => {
  const body = msTeamsMessage(rollback, contextOf(rollback)) as {
    type: string;
    attachments: { contentType: string; contentUrl: null; content: { $schema: string; type: string; version: string; body: Record<string, unknown>[] } }[];
  };
  const card = body.attachments[0].content;

  test('a message with one adaptive card attachment', () => {
    expect(body.type).toBe('message');
    expect(body.attachments).toHaveLength(1);
    expect(body.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(body.attachments[0].contentUrl).toBeNull();
    expect(card.$schema).toBe('http://adaptivecards.io/schemas/adaptive-card.json');
    expect(card.type).toBe('AdaptiveCard');
    expect(card.version).toBe('1.4');
  });

  test('a bold title coloured by severity, then the text', () => {
    expect(card.body[0]).toEqual({ type: 'TextBlock', text: 'Rolled back: podinfo.test', size: 'Medium', weight: 'Bolder', color: 'Attention', wrap: true });
    expect(card.body[1]).toEqual({ type: 'TextBlock', text: 'Rolled back podinfo.test: request-success-rate 91.2% < 99%', wrap: true });
  });

  test('a FactSet with identity and failing-metric facts', () => {
    expect(card.body[2]).toEqual({
      type: 'FactSet',
      facts: [
        { title: 'Canary', value: 'podinfo' },
        { title: 'Namespace', value: 'test' },
        { title: 'Cluster', value: 'prod-eu' },
        { title: 'Revision', value: '6d5f8c7' },
        { title: 'Weight', value: '30%' },
        { title: 'Metric', value: 'request-success-rate' },
        { title: 'Value', value: '91.2%' },
        { title: 'Minimum', value: '99%' },
      ],
    });
  });

  test('a subtle line with the duration, only when known', () => {
    expect(card.body[3]).toEqual({ type: 'TextBlock', text: 'Duration 3m12s · 3 steps', isSubtle: true, size: 'Small', wrap: true });
    const info = msTeamsMessage(promoted, contextOf(promoted)) as typeof body;
    expect(info.attachments[0].content.body).toHaveLength(3);
    expect(info.attachments[0].content.body[0]).toMatchObject({ color: 'Good' });
  });
});
