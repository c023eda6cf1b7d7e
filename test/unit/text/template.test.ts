import { renderTemplate, templateVariables, TemplateError } from '../../../src/text/template.ts';

describe('renderTemplate', () => {
  const values = { name: 'podinfo', namespace: 'test', interval: '1m', variables: { region: 'eu' } };

  test('fills names and dotted variables, with or without spaces and Go-style leading dots', () => {
    expect(renderTemplate('rate(x{ns="{{ namespace }}",d="{{name}}"}[{{ .interval }}]) {{ variables.region }}', values)).toBe(
      'rate(x{ns="test",d="podinfo"}[1m]) eu',
    );
  });

  test('an unknown variable is an error naming it and listing the known ones', () => {
    expect(() => renderTemplate('{{ variables.zone }}', values)).toThrow(
      'unknown template variable "variables.zone"; known: name, namespace, interval, variables.region',
    );
    try {
      renderTemplate('{{ target }}', values);
    } catch (err) {
      expect(err).toBeInstanceOf(TemplateError);
      expect((err as TemplateError).variable).toBe('target');
    }
  });

  test('an object is not a value', () => {
    expect(() => renderTemplate('{{ variables }}', values)).toThrow(TemplateError);
  });

  test('lists the variables a template uses', () => {
    expect(templateVariables('{{ a }} {{b.c}} {{ a }}')).toEqual(['a', 'b.c']);
  });
});
