import type { Canary } from '../../../src/api/canary.ts';
import { CANARY_API_VERSION } from '../../../src/api/canary.ts';
import { convertFlaggerDocuments, formatConversionNote } from '../../../src/api/flagger-convert.ts';
import { createValidator } from '../../../src/api/validation.ts';
import { formatValidationError } from '../../../src/api/validation-error.ts';
import { objectLabel } from '../../../src/api/yaml-documents.ts';
import type { Expected } from './flagger-docs-expected.ts';
import { USAGE_PAGES } from './flagger-docs-expected-usage.ts';
import { TUTORIAL_PAGES } from './flagger-docs-expected-tutorials.ts';
import { readDocsFixtures } from './flagger-docs-fixtures.ts';
import { describeRun } from './flagger-run-meaning.ts';

/**
 * Every Canary of Flagger's documentation and e2e tests (test/fixtures/flagger/docs), through `kanari
 * convert`: what the converted Canary runs must be what Flagger runs for it (weights, iterations, matches,
 * ports, hooks, metrics, alerts, settings), every difference must have been named in a note, and a Canary
 * convert cannot write, or writes only for a hand edit, must say why. Each Canary is converted alone: pages
 * show several Canaries of the same name.
 */

const EXPECTED: Record<string, Expected> = { ...USAGE_PAGES, ...TUTORIAL_PAGES };

/**
 * The objects beside the Canaries (`<file> <Kind/name> <provider type>`) that do not simply convert: the
 * templates of providers Kanari does not query, and a query that needs the APISIX route's name, which a
 * Kanari Canary does not have (kanari convert prints what to edit). Every other one converts and validates.
 */
const OTHER_OUTCOMES: Record<string, string> = {
  'metrics.yaml MetricTemplate/not-found-percentage datadog': 'refused: spec.provider.type: datadog is not supported (prometheus or smi): not converted',
  'metrics.yaml MetricTemplate/cloudwatch-error-rate cloudwatch': 'refused: spec.provider.type: cloudwatch is not supported (prometheus or smi): not converted',
  'metrics.yaml MetricTemplate/newrelic-error-rate newrelic': 'refused: spec.provider.type: newrelic is not supported (prometheus or smi): not converted',
  'metrics.yaml MetricTemplate/graphite-request-success-rate graphite': 'refused: spec.provider.type: graphite is not supported (prometheus or smi): not converted',
  'metrics.yaml MetricTemplate/response-time-95pct dynatrace': 'refused: spec.provider.type: dynatrace is not supported (prometheus or smi): not converted',
  'metrics.yaml MetricTemplate/success-rate splunk': 'refused: spec.provider.type: splunk is not supported (prometheus or smi): not converted',
  'apisix-progressive-delivery.yaml MetricTemplate/not-found-percentage prometheus':
    'needs an edit: spec.query: uses unknown template variable "route"; known: name, namespace, target, service, interval, workload, variables.<name>',
  'alerting.yaml Secret/on-call-url -': 'copied unchanged',
};

const validator = createValidator();
const { canaries, others } = readDocsFixtures();

function convertAlone(document: unknown) {
  const label = objectLabel(document);
  const result = convertFlaggerDocuments([document]);
  const notes = result.notes.map(formatConversionNote).map((note) => note.slice(label.length + 2));
  return { converted: result.documents[0].converted, notes, refused: result.refused };
}

describe("Flagger's documented Canaries through kanari convert", () => {
  test('every Canary of the fixtures has an expectation, and every expectation a Canary', () => {
    const keys = canaries.map((c) => c.key);
    expect(keys.filter((key, i) => keys.indexOf(key) !== i)).toEqual([]);
    expect([...keys].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  test.each(canaries.map((c) => [c.key, c] as const))('%s', (key, { document }) => {
    const expected = EXPECTED[key];
    const { converted, notes, refused } = convertAlone(document);
    expect(notes.map((note) => note.split(': ')[0])).toEqual(expected.noted);
    if (expected.refused) {
      expect(converted).toBeUndefined();
      expect(refused).toEqual([objectLabel(document)]);
      expect(notes.some((note) => note.includes(expected.refused!) && note.endsWith('not converted'))).toBe(true);
      return;
    }
    const validated = validator.validateCanary(converted);
    expect(validated.errors.map(formatValidationError)).toEqual(expected.edit ?? []);
    if (expected.edit) return;
    expect(describeRun((validated as { value: Canary }).value, expected.podSpec)).toEqual(expected.run);
  });

  test('a Canary Kanari takes as it is needs no convert and runs the same either way', () => {
    let asIs = 0;
    for (const { key, document } of canaries) {
      const validated = validator.validateCanary({ ...structuredClone(document), apiVersion: CANARY_API_VERSION });
      if (!validated.valid) continue;
      asIs += 1;
      expect([key, describeRun(validated.value, EXPECTED[key].podSpec)]).toEqual([key, EXPECTED[key].run]);
    }
    expect(asIs).toBeGreaterThan(0);
  });

  test('the MetricTemplates, AlertProviders and other objects beside them convert as expected', () => {
    const key = ({ file, label, document }: (typeof others)[number]) => `${file} ${label} ${String(document.spec?.provider?.type ?? document.spec?.type ?? '-')}`;
    const outcomes = others.map((other) => {
      const { converted, notes } = convertAlone(other.document);
      if (!String(other.document.apiVersion).startsWith('flagger.app/')) return [key(other), converted === other.document ? 'copied unchanged' : 'changed'];
      if (!converted) return [key(other), `refused: ${notes.join('; ')}`];
      const errors = validator.validate(converted).errors.map(formatValidationError);
      return [key(other), errors.length === 0 ? 'converted' : `needs an edit: ${errors.join('; ')}`];
    });
    expect(outcomes).toEqual(others.map((other) => [key(other), OTHER_OUTCOMES[key(other)] ?? 'converted']));
  });
});
