import { parseYamlDocuments, type YamlProblem } from '../../../src/api/yaml-documents.ts';

const formatYamlProblem = (problem: YamlProblem) => `line ${problem.line}, column ${problem.column}: ${problem.message}`;

describe('reading multi-document YAML', () => {
  test('a broken document reports every problem with its line and column, whole, and the documents after it still read', () => {
    const text = ['a: 1', 'a: 2', 'b:', '  c: 1', ' d: 2', '---', 'kind: Canary', 'metadata: {name: web}'].join('\n');
    const [broken, next] = parseYamlDocuments(text);
    expect(broken.ok).toBe(false);
    if (broken.ok) return;
    expect(broken.problems.map(formatYamlProblem)).toEqual([
      'line 2, column 1: Map keys must be unique',
      'line 5, column 1: All mapping items must start at the same column',
    ]);
    expect(broken.problems[0].excerpt).toEqual(['a: 1', 'a: 2', '^']);
    expect(next).toMatchObject({ ok: true, line: 7, value: { kind: 'Canary', metadata: { name: 'web' } } });
  });

  test('a field path is located at its key, a missing one at the nearest field that is there', () => {
    const text = ['---', 'kind: Canary', 'spec:', '  analysis:', '    metrics:', '      - name: a', '      - name: b', '        interval: 1 minute', '  service:', '    "x.y": 1'].join('\n');
    const [document] = parseYamlDocuments(text);
    if (!document.ok) throw new Error('should parse');
    expect(document.line).toBe(2);
    expect(document.locate('spec.analysis.metrics[1].interval')).toEqual({ line: 8, column: 9 });
    expect(document.locate('spec.analysis.metrics[1]')?.line).toBe(7);
    expect(document.locate('spec.analysis.metrics[1].thresholdRange.min')?.line).toBe(7);
    expect(document.locate('spec.service["x.y"]')?.line).toBe(10);
    expect(document.locate('spec.targetRef.name')?.line).toBe(3);
  });
});
