import { ALERT_TEMPLATE_VARIABLES } from '../../../src/api/alert-provider.ts';
import { createNotification, defaultText, headline, templateValues, type Notification } from '../../../src/notify/message.ts';
import { messageText } from '../../../src/notify/message-template.ts';
import { passesSeverityFilter } from '../../../src/notify/severity.ts';

const base = { canary: { name: 'podinfo', namespace: 'test' }, time: new Date('2026-05-01T12:00:00Z') };
// Severity is the engine's choice per message; these tests read it only where they say so.
const message = (input: Omit<Notification, 'canary' | 'time' | 'severity'> & Partial<Pick<Notification, 'severity'>>) =>
  createNotification({ ...base, severity: 'info', ...input });

describe('default texts', () => {
  test.each([
    [{ kind: 'new-revision' as const }, 'New revision detected for podinfo.test'],
    [{ kind: 'new-revision' as const, revision: '6d5f8c7' }, 'New revision detected for podinfo.test (6d5f8c7)'],
    [{ kind: 'promotion-finished' as const, steps: 6, durationMs: 192_400 }, 'Promotion finished for podinfo.test: 6 steps in 3m12s'],
    [{ kind: 'promotion-finished' as const, steps: 1 }, 'Promotion finished for podinfo.test: 1 step'],
    [{ kind: 'promotion-finished' as const, iterations: 4, durationMs: 4_700 }, 'Promotion finished for podinfo.test: 4 iterations in 5s'],
    [
      { kind: 'rollback' as const, metric: { name: 'request-success-rate', value: 91.2, threshold: 99, unit: '%' } },
      'Rolled back podinfo.test: request-success-rate 91.2% < 99%',
    ],
    [
      { kind: 'rollback' as const, metric: { name: 'request-duration', value: 612.456, threshold: 500, bound: 'max' as const, unit: 'ms' } },
      'Rolled back podinfo.test: request-duration 612.46ms > 500ms',
    ],
    [{ kind: 'rollback' as const, reason: 'aborted by alice' }, 'Rolled back podinfo.test: aborted by alice'],
    [{ kind: 'waiting-approval' as const, reason: 'confirm-promotion gate closed' }, 'Waiting for approval for podinfo.test: confirm-promotion gate closed'],
    [{ kind: 'progress-deadline' as const, reason: 'canary not ready after 10m' }, 'Progress deadline exceeded for podinfo.test: canary not ready after 10m'],
    [{ kind: 'manual-action' as const, actor: 'alice', action: 'promote' }, 'alice asked to promote podinfo.test'],
  ])('%j → %s', (input, text) => {
    expect(defaultText(message(input))).toBe(text);
  });

  test('headline names the kind and the canary', () => {
    expect(headline(message({ kind: 'rollback' }))).toBe('Rolled back: podinfo.test');
  });
});

describe('severity filter', () => {
  test.each([
    ['info', 'info', true],
    ['warn', 'info', true],
    ['error', 'info', true],
    ['info', 'warn', false],
    ['warn', 'warn', true],
    ['error', 'warn', true],
    ['info', 'error', false],
    ['warn', 'error', false],
    ['error', 'error', true],
  ] as const)('a %s message passes a %s filter: %s', (severity, filter, passes) => {
    expect(passesSeverityFilter(severity, filter)).toBe(passes);
  });

  test('an alert without a severity gets everything (unlike Flagger, whose empty default sends nothing)', () => {
    expect(passesSeverityFilter('info', undefined)).toBe(true);
  });
});

describe('message templates', () => {
  const rollback = message({
    kind: 'rollback',
    severity: 'error',
    cluster: 'prod-eu',
    weight: 30,
    metric: { name: 'request-success-rate', value: 91.2, threshold: 99, unit: '%' },
  });

  test('render the message fields', () => {
    expect(messageText(rollback, '[{{ cluster }}] {{ canary }} at {{ weight }}%: {{ metric.name }}={{ metric.value }} (min {{ metric.threshold }})')).toBe(
      '[prod-eu] podinfo.test at 30%: request-success-rate=91.2 (min 99)',
    );
    expect(messageText(rollback, '{{ text }} ({{ severity }})')).toBe('Rolled back podinfo.test: request-success-rate 91.2% < 99% (error)');
  });

  test('without a template the default text is used; absent facts render empty', () => {
    expect(messageText(rollback)).toBe('Rolled back podinfo.test: request-success-rate 91.2% < 99%');
    expect(messageText(message({ kind: 'new-revision' }), 'rev={{ revision }}!')).toBe('rev=!');
  });

  test('templateValues offers exactly the fields the API lets a template name', () => {
    const names = (values: object, prefix = ''): string[] =>
      Object.entries(values).flatMap(([key, value]) => (typeof value === 'object' ? names(value, `${prefix}${key}.`) : [`${prefix}${key}`]));
    expect(names(templateValues(rollback)).sort()).toEqual([...ALERT_TEMPLATE_VARIABLES].sort());
  });
});
