import { createNotification, defaultText, headline, templateValues, type NotificationInput } from '../../../src/notify/message.ts';
import { messageText, validateMessageTemplate } from '../../../src/notify/message-template.ts';
import { passesSeverityFilter, parseSeverity } from '../../../src/notify/severity.ts';
import { TemplateError } from '../../../src/text/template.ts';

const base = { canary: { name: 'podinfo', namespace: 'test' }, time: new Date('2026-05-01T12:00:00Z') };
const message = (input: Omit<NotificationInput, 'canary' | 'time'>) => createNotification({ ...base, ...input });

describe('default texts', () => {
  test.each([
    [{ kind: 'new-revision' as const }, 'New revision detected for podinfo.test'],
    [{ kind: 'new-revision' as const, revision: '6d5f8c7' }, 'New revision detected for podinfo.test (6d5f8c7)'],
    [{ kind: 'promotion-finished' as const, steps: 6, durationMs: 192_400 }, 'Promotion finished for podinfo.test: 6 steps in 3m12s'],
    [{ kind: 'promotion-finished' as const, steps: 1 }, 'Promotion finished for podinfo.test: 1 step'],
    [
      { kind: 'rollback' as const, metric: { name: 'request-success-rate', value: 91.2, threshold: 99, unit: '%' } },
      'Rolled back podinfo.test: request-success-rate 91.2% < 99',
    ],
    [
      { kind: 'rollback' as const, metric: { name: 'request-duration', value: 612.456, threshold: 500, bound: 'max' as const, unit: 'ms' } },
      'Rolled back podinfo.test: request-duration 612.46ms > 500',
    ],
    [{ kind: 'rollback' as const, reason: 'aborted by alice' }, 'Rolled back podinfo.test: aborted by alice'],
    [{ kind: 'waiting-approval' as const, reason: 'confirm-promotion gate closed' }, 'Waiting for approval for podinfo.test: confirm-promotion gate closed'],
    [{ kind: 'progress-deadline' as const, reason: 'canary not ready after 10m' }, 'Progress deadline exceeded for podinfo.test: canary not ready after 10m'],
    [{ kind: 'manual-action' as const, actor: 'alice', action: 'promote' }, 'alice asked to promote podinfo.test'],
  ])('%j → %s', (input, text) => {
    expect(defaultText(message(input))).toBe(text);
  });

  test('each kind has a default severity, which a caller may override', () => {
    expect(message({ kind: 'new-revision' }).severity).toBe('info');
    expect(message({ kind: 'waiting-approval' }).severity).toBe('warn');
    expect(message({ kind: 'manual-action' }).severity).toBe('warn');
    expect(message({ kind: 'rollback' }).severity).toBe('error');
    expect(message({ kind: 'progress-deadline' }).severity).toBe('error');
    expect(message({ kind: 'rollback', severity: 'warn' }).severity).toBe('warn');
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
    expect(passesSeverityFilter('info', '')).toBe(true);
  });

  test('parseSeverity accepts only the three names', () => {
    expect(parseSeverity('warn')).toBe('warn');
    expect(parseSeverity('critical')).toBeUndefined();
  });
});

describe('message templates', () => {
  const rollback = message({
    kind: 'rollback',
    cluster: 'prod-eu',
    weight: 30,
    metric: { name: 'request-success-rate', value: 91.2, threshold: 99, unit: '%' },
  });

  test('render the message fields', () => {
    expect(messageText(rollback, '[{{ cluster }}] {{ canary }} at {{ weight }}%: {{ metric.name }}={{ metric.value }} (min {{ metric.threshold }})')).toBe(
      '[prod-eu] podinfo.test at 30%: request-success-rate=91.2 (min 99)',
    );
    expect(messageText(rollback, '{{ text }} ({{ severity }})')).toBe('Rolled back podinfo.test: request-success-rate 91.2% < 99 (error)');
  });

  test('without a template the default text is used; absent facts render empty', () => {
    expect(messageText(rollback)).toBe('Rolled back podinfo.test: request-success-rate 91.2% < 99');
    expect(messageText(message({ kind: 'new-revision' }), 'rev={{ revision }}!')).toBe('rev=!');
  });

  test('an unknown field is an error at validation that names it', () => {
    expect(() => validateMessageTemplate('{{ canary }} {{ metric.score }}')).toThrow(TemplateError);
    expect(() => validateMessageTemplate('{{ canary }} {{ metric.score }}')).toThrow(/unknown template variable "metric.score"/);
    expect(() => validateMessageTemplate('{{ headline }} {{ reason }}')).not.toThrow();
  });

  test('templateValues offers every documented field', () => {
    expect(Object.keys(templateValues(rollback))).toEqual(
      expect.arrayContaining(['kind', 'canary', 'cluster', 'weight', 'duration', 'steps', 'actor', 'metric', 'text', 'headline']),
    );
  });
});
