/**
 * The small `{{ name }}` / `{{ variables.X }}` template language of MetricTemplate queries and alert
 * message overrides. Deliberately tiny: a dotted path per placeholder, no logic, and an unknown name is an
 * error that names it, so a typo never reaches Prometheus or Slack as an empty string.
 */

/** Values a template may reference; nested objects are reached with dots (`variables.region`). */
export interface TemplateValues {
  [name: string]: string | number | boolean | TemplateValues | undefined;
}

/** Raised when a template names a value that was not given; `variable` is the name as written. */
export class TemplateError extends Error {
  readonly variable: string;

  constructor(variable: string, known: string[]) {
    super(`unknown template variable "${variable}"; known: ${known.join(', ')}`);
    this.name = 'TemplateError';
    this.variable = variable;
  }
}

const PLACEHOLDER = /\{\{\s*\.?([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)\s*\}\}/g;

/** Replaces every placeholder in `template`; throws TemplateError for the first unknown one. */
export function renderTemplate(template: string, values: TemplateValues): string {
  return template.replace(PLACEHOLDER, (_match, path: string) => {
    const value = lookup(values, path.split('.'));
    if (value === undefined || typeof value === 'object') throw new TemplateError(path, knownNames(values));
    return String(value);
  });
}

/** The placeholder names a template uses, in order of first use (for validation before rendering). */
export function templateVariables(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

function lookup(values: TemplateValues, path: string[]): TemplateValues[string] {
  let current: TemplateValues[string] = values;
  for (const key of path) {
    if (current === undefined || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

function knownNames(values: TemplateValues, prefix = ''): string[] {
  return Object.entries(values).flatMap(([key, value]) =>
    value !== undefined && typeof value === 'object' ? knownNames(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}
