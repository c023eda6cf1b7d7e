import type { Canary } from '../../../src/api/canary.ts';
import { toMessage } from '../../../src/controller/canary-alerts.ts';
import type { Notification } from '../../../src/engine/actions.ts';

// What an alert shows beside its text: the weight only where it tells how much traffic a release had.
const canary = (analysis: Canary['spec']['analysis'], canaryWeight: number): Canary => ({
  apiVersion: 'kanari.dev/v1alpha1',
  kind: 'Canary',
  metadata: { name: 'podinfo', namespace: 'test' },
  spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' }, service: { port: 9898 }, analysis },
  status: { canaryWeight },
});
const notification = (kind: Notification['kind'], facts: Notification['facts'] = {}): Notification => ({ kind, severity: 'info', message: 'm', facts });
const time = new Date('2026-05-01T12:00:00Z');

describe('the facts an alert carries', () => {
  test('a rollback shows the weight the release had, with the metric in its unit', () => {
    const message = toMessage(canary({ stepWeight: 20 }, 20), notification('rollback', { metric: { name: 'request-success-rate', value: 34.78, min: 99 } }), 'prod', time);
    expect(message).toMatchObject({ weight: 20, metric: { name: 'request-success-rate', value: 34.78, threshold: 99, bound: 'min', unit: '%' } });
  });

  test('no "Weight: 0%" once promotion finished or for a new revision, and none under A/B, whose 100% is for matching requests only', () => {
    expect(toMessage(canary({ stepWeight: 20 }, 0), notification('promotion-finished', { steps: 5 }), 'prod', time).weight).toBeUndefined();
    expect(toMessage(canary({ stepWeight: 20 }, 0), notification('new-revision'), 'prod', time).weight).toBeUndefined();
    const ab = canary({ iterations: 4, match: [{ headers: { 'x-canary': { exact: 'insider' } } }] }, 100);
    expect(toMessage(ab, notification('rollback'), 'prod', time).weight).toBeUndefined();
    expect(toMessage(ab, notification('promotion-finished', { iterations: 4 }), 'prod', time)).toMatchObject({ iterations: 4, steps: undefined });
  });
});
