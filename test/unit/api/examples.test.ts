import { readFileSync, readdirSync } from 'node:fs';
import { createValidator, isKanariDocument } from '../../../src/api/validation.ts';
import { formatValidationError } from '../../../src/api/validation-error.ts';
import { parseYamlDocuments } from '../../../src/api/yaml-documents.ts';

const examples = new URL('../../../examples/', import.meta.url);
const files = readdirSync(examples).filter((file) => file.endsWith('.yaml') || file.endsWith('.yml'));

describe('examples/', () => {
  const validator = createValidator();

  test('holds the complete Canary example', () => {
    expect(files).toContain('canary.yaml');
  });

  test.each(files)('%s parses and every Kanari object in it validates', (file) => {
    const documents = parseYamlDocuments(readFileSync(new URL(file, examples), 'utf8'));
    expect(documents.filter((d) => !d.ok)).toEqual([]);
    const problems = documents.flatMap((d) => (d.ok && isKanariDocument(d.value) ? validator.validate(d.value).errors.map(formatValidationError) : []));
    expect(problems).toEqual([]);
  });

  test('canary.yaml shows metrics (built-in and templateRef), webhooks and an alert, with what they reference', () => {
    const values = parseYamlDocuments(readFileSync(new URL('canary.yaml', examples), 'utf8')).flatMap((d) => (d.ok ? [d.value as Record<string, any>] : [])); // eslint-disable-line @typescript-eslint/no-explicit-any
    const canary = values.find((v) => v.kind === 'Canary')!;
    const analysis = canary.spec.analysis;
    expect(analysis.metrics.some((m: { templateRef?: unknown }) => m.templateRef)).toBe(true);
    expect(analysis.metrics.some((m: { name: string }) => m.name === 'request-success-rate')).toBe(true);
    expect(analysis.webhooks.length).toBeGreaterThan(0);
    const template = values.find((v) => v.kind === 'MetricTemplate')!;
    const provider = values.find((v) => v.kind === 'AlertProvider')!;
    const secret = values.find((v) => v.kind === 'Secret')!;
    expect(analysis.metrics.find((m: { templateRef?: { name: string } }) => m.templateRef)!.templateRef.name).toBe(template.metadata.name);
    expect(analysis.alerts[0].providerRef.name).toBe(provider.metadata.name);
    expect(provider.spec.secretRef.name).toBe(secret.metadata.name);
    expect(Object.keys(secret.stringData)).toEqual(['address']);
  });
});
