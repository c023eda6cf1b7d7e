import { createValidator } from '../../../src/api/validation.ts';
import { formatValidationError } from '../../../src/api/validation-error.ts';

const provider = (template: string) => ({
  apiVersion: 'kanari.dev/v1alpha1',
  kind: 'AlertProvider',
  metadata: { name: 'terse', namespace: 'test' },
  spec: { type: 'slack', secretRef: { name: 'slack-webhook' }, template },
});

describe('AlertProvider spec.template', () => {
  const validator = createValidator();

  test('a template over the documented message fields validates', () => {
    const fields = '{{ headline }} on {{ cluster }} at {{ weight }}%: {{ reason }} ({{ metric.name }} {{ metric.value }}{{ metric.unit }})';
    expect(validator.validateAlertProvider(provider(fields)).errors).toEqual([]);
  });

  test('an unknown field is reported on the object, before any release needs it', () => {
    const errors = validator.validateAlertProvider(provider('{{ canary }} scored {{ metric.score }}')).errors.map(formatValidationError);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^spec\.template: uses unknown template variable "metric\.score"; known: kind, severity, .*metric\.unit$/);
  });
});
