import { discordMessage } from '../../../src/notify/discord.ts';
import { contextOf, promoted, rollback } from './fixtures.ts';

// Checked against Discord's execute-webhook and embed object: username, embeds[{title, description,
// color (integer), fields [{name, value, inline}], timestamp (ISO 8601)}].
describe('Discord body', () => {
  const body = discordMessage(rollback, contextOf(rollback, { username: 'kanari' })) as {
    username: string;
    embeds: { title: string; description: string; color: number; fields: { name: string; value: string; inline: boolean }[]; timestamp: string }[];
  };
  const embed = body.embeds[0];

  test('username and a single embed', () => {
    expect(body.username).toBe('kanari');
    expect(body.embeds).toHaveLength(1);
  });

  test('title, description with the duration line, integer colour, ISO timestamp', () => {
    expect(embed.title).toBe('Rolled back: podinfo.test');
    expect(embed.description).toBe('Rolled back podinfo.test: request-success-rate 91.2% < 99%\nDuration 3m12s · 3 steps');
    expect(embed.color).toBe(0xe01e5a);
    expect(Number.isInteger(embed.color)).toBe(true);
    expect(embed.timestamp).toBe('2026-05-01T12:00:00.000Z');
  });

  test('facts as inline fields', () => {
    expect(embed.fields).toEqual([
      { name: 'Canary', value: 'podinfo', inline: true },
      { name: 'Namespace', value: 'test', inline: true },
      { name: 'Cluster', value: 'prod-eu', inline: true },
      { name: 'Revision', value: '6d5f8c7', inline: true },
      { name: 'Weight', value: '30%', inline: true },
      { name: 'Metric', value: 'request-success-rate', inline: true },
      { name: 'Value', value: '91.2%', inline: true },
      { name: 'Minimum', value: '99%', inline: true },
    ]);
  });

  test('no username when unset; info is green', () => {
    const info = discordMessage(promoted, contextOf(promoted)) as typeof body;
    expect(info).not.toHaveProperty('username');
    expect(info.embeds[0].color).toBe(0x2eb67d);
  });
});
