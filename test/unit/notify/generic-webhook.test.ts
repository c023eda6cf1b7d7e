import { genericWebhookMessage } from '../../../src/notify/generic-webhook.ts';
import { contextOf, rollback } from './fixtures.ts';

describe('generic webhook body', () => {
  test('the message model as plain fields', () => {
    expect(JSON.parse(JSON.stringify(genericWebhookMessage(rollback, contextOf(rollback))))).toEqual({
      kind: 'rollback',
      severity: 'error',
      headline: 'Rolled back: podinfo.test',
      text: 'Rolled back podinfo.test: request-success-rate 91.2% < 99%',
      canary: { name: 'podinfo', namespace: 'test' },
      cluster: 'prod-eu',
      revision: '6d5f8c7',
      weight: 30,
      metric: { name: 'request-success-rate', value: 91.2, threshold: 99, unit: '%' },
      durationMs: 192000,
      duration: '3m12s',
      steps: 3,
      timestamp: '2026-05-01T12:00:00.000Z',
    });
  });
});
