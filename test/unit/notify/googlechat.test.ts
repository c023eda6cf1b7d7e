import { googleChatMessage } from '../../../src/notify/googlechat.ts';
import { contextOf, rollback } from './fixtures.ts';

// Checked against Google Chat's Cards v2 message: cardsV2[{cardId, card: {header: {title, subtitle},
// sections: [{widgets: [textParagraph {text} | decoratedText {topLabel, text}]}]}}].
describe('Google Chat body', () => {
  const body = googleChatMessage(rollback, contextOf(rollback)) as {
    cardsV2: { cardId: string; card: { header: { title: string; subtitle: string }; sections: { widgets: Record<string, unknown>[] }[] } }[];
  };
  const entry = body.cardsV2[0];

  test('one card with an id and a header naming the canary and severity', () => {
    expect(body.cardsV2).toHaveLength(1);
    expect(entry.cardId).toBe('kanari-rollback');
    expect(entry.card.header).toEqual({ title: 'Rolled back: podinfo.test', subtitle: 'podinfo.test · error' });
  });

  test('the text as a paragraph (HTML-escaped), facts as labelled decoratedText widgets, then the duration', () => {
    expect(entry.card.sections).toHaveLength(1);
    expect(entry.card.sections[0].widgets).toEqual([
      { textParagraph: { text: 'Rolled back podinfo.test: request-success-rate 91.2% &lt; 99%' } },
      { decoratedText: { topLabel: 'Canary', text: 'podinfo' } },
      { decoratedText: { topLabel: 'Namespace', text: 'test' } },
      { decoratedText: { topLabel: 'Cluster', text: 'prod-eu' } },
      { decoratedText: { topLabel: 'Revision', text: '6d5f8c7' } },
      { decoratedText: { topLabel: 'Weight', text: '30%' } },
      { decoratedText: { topLabel: 'Metric', text: 'request-success-rate' } },
      { decoratedText: { topLabel: 'Value', text: '91.2%' } },
      { decoratedText: { topLabel: 'Minimum', text: '99%' } },
      { textParagraph: { text: 'Duration 3m12s · 3 steps' } },
    ]);
  });
});
