import { createNotification, headline, type Notification } from '../../../src/notify/message.ts';
import type { MessageContext } from '../../../src/notify/alert-provider.ts';
import { messageText } from '../../../src/notify/message-template.ts';

/** A rollback with every fact set: the richest message a provider renders. */
export const rollback: Notification = createNotification({
  kind: 'rollback',
  severity: 'error',
  canary: { name: 'podinfo', namespace: 'test' },
  time: new Date('2026-05-01T12:00:00.000Z'),
  cluster: 'prod-eu',
  revision: '6d5f8c7',
  weight: 30,
  metric: { name: 'request-success-rate', value: 91.2, threshold: 99, unit: '%' },
  durationMs: 192_000,
  steps: 3,
});

/** A promotion with only the identity facts. */
export const promoted: Notification = createNotification({
  kind: 'promotion-finished',
  severity: 'info',
  canary: { name: 'podinfo', namespace: 'test' },
  time: new Date('2026-05-01T12:00:00.000Z'),
});

/** The context the factory passes to formatters for a message with no template. */
export function contextOf(message: Notification, extra: Partial<MessageContext> = {}): MessageContext {
  return { text: messageText(message), headline: headline(message), ...extra };
}
