import { Writable } from 'node:stream';
import { canaryLogger, createLogger } from '../../../src/log/logger.ts';
import { formatLine } from '../../../src/log/text-lines.ts';

describe('text log format', () => {
  test('a Canary line reads as time, level, namespace/name, message and its other fields', () => {
    const json = JSON.stringify({ time: '2026-11-24T07:00:00.000Z', level: 'info', canary: 'podinfo', namespace: 'test', phase: 'Progressing', weight: 20, msg: 'phase changed' });
    expect(formatLine(json)).toBe('2026-11-24T07:00:00.000Z INFO  test/podinfo phase changed phase=Progressing weight=20');
  });

  test('the text logger writes redacted lines, one per record', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const logger = canaryLogger(createLogger({ format: 'text', destination }), { name: 'podinfo', namespace: 'test' });
    logger.warn({ provider: { address: 'https://hooks.slack.com/services/T0/B0/secret' } }, 'notification failed');
    logger.info('second');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\S+ WARN {2}test\/podinfo notification failed provider=\{"address":"\[redacted\]"\}$/);
    expect(lines.join('\n')).not.toContain('secret');
  });
});
