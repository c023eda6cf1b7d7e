import { compileSchema } from '../../../../src/sandbox/apiserver/cel/rule-compiler.ts';
import { evaluateRules } from '../../../../src/sandbox/apiserver/cel/rule-validator.ts';
import { escapePropertyName } from '../../../../src/sandbox/apiserver/cel/property-names.ts';
import { parseGoDuration } from '../../../../src/sandbox/apiserver/cel/values.ts';
import type { SchemaProps } from '../../../../src/sandbox/apiserver/structural-schema.ts';
import type { StatusCause } from '../../../../src/sandbox/apiserver/api-error.ts';

// Validation rules compiled and evaluated directly (no server): the CEL variables and libraries
// Kubernetes offers, the checks that reject a rule at CRD creation, and the causes a failing rule yields.

const spec: SchemaProps = {
  type: 'object',
  properties: {
    text: { type: 'string' },
    count: { type: 'integer' },
    ratio: { type: 'number' },
    port: { 'x-kubernetes-int-or-string': true },
    numbers: { type: 'array', items: { type: 'integer' } },
    names: { type: 'array', items: { type: 'string' } },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    endpoint: { type: 'string' },
    memory: { type: 'string' },
    since: { type: 'string', format: 'date-time' },
    every: { type: 'string', format: 'duration' },
    namespace: { type: 'string' },
    'max-surge': { type: 'string' },
    extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
  },
};

const value = {
  text: 'Hello',
  count: 5,
  ratio: 1.5,
  port: '50%',
  numbers: [1, 2, 3],
  names: ['a', 'b'],
  labels: { app: 'podinfo' },
  endpoint: 'https://example.com:8443/hook?x=1&x=2',
  memory: '1536Mi',
  since: '2024-01-02T03:04:05Z',
  every: '1h30m',
  namespace: 'demo',
  'max-surge': '25%',
  extra: { anything: [1, 'two'] },
  template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec: {} },
};

const path = 'spec.versions[0].schema.openAPIV3Schema';
const schemaWith = (rules: object[]): SchemaProps => ({ type: 'object', properties: { spec: { ...spec, 'x-kubernetes-validations': rules } as SchemaProps } });
const object = (s: object) => ({ apiVersion: 'example.dev/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'demo' }, spec: s });

/** The CRD causes of a rule, or the causes of evaluating it (with `old` on an update). */
function run(rule: object, s: object = value, old?: object): { crd: StatusCause[]; causes: StatusCause[] } {
  const { root, causes } = compileSchema(schemaWith([rule]), path);
  if (causes.length > 0 || !root) return { crd: causes, causes: [] };
  return { crd: [], causes: evaluateRules(root, object(s), old === undefined ? undefined : object(old)) };
}

describe('the CEL Kubernetes offers validation rules', () => {
  test.each([
    ['strings', 'self.text.lowerAscii() == "hello" && self.text.upperAscii() == "HELLO" && self.text.size() == 5'],
    ['string extension', 'self.text.indexOf("l") == 2 && self.text.lastIndexOf("l") == 3 && self.text.charAt(1) == "e" && self.text.substring(1, 3) == "el"'],
    ['split, join, replace, trim', '"a/b".split("/") == ["a", "b"] && self.names.join(",") == "a,b" && self.text.replace("l", "L") == "HeLLo" && " x ".trim() == "x"'],
    ['matches (RE2), startsWith, endsWith, contains', 'self.text.matches("^H[a-z]+$") && self.text.startsWith("He") && self.text.endsWith("lo") && self.text.contains("ell")'],
    ['macros', 'self.numbers.all(n, n > 0) && self.numbers.exists(n, n == 2) && self.numbers.exists_one(n, n == 3) && self.numbers.filter(n, n > 1) == [2, 3] && self.numbers.map(n, n * 2) == [2, 4, 6]'],
    ['maps', 'self.labels.all(k, k == "app") && "app" in self.labels && self.labels.app == "podinfo" && self.labels["app"] == "podinfo"'],
    ['has() and size()', 'has(self.text) && has(self.ratio) && !has(self.labels.other) && size(self.numbers) == 3 && size(self.labels) == 1'],
    ['lists library', 'self.numbers.isSorted() && self.numbers.sum() == 6 && self.numbers.min() == 1 && self.numbers.max() == 3 && self.numbers.indexOf(2) == 1 && [1, 2, 1].lastIndexOf(1) == 2'],
    ['regex library', 'self.text.find("l+") == "ll" && self.text.findAll("l") == ["l", "l"] && "a1b2".findAll("[0-9]", 1) == ["1"]'],
    ['URL library', 'isURL(self.endpoint) && !isURL("not a url") && url(self.endpoint).getScheme() == "https" && url(self.endpoint).getHost() == "example.com:8443" && url(self.endpoint).getHostname() == "example.com" && url(self.endpoint).getPort() == "8443" && url(self.endpoint).getEscapedPath() == "/hook" && url(self.endpoint).getQuery()["x"] == ["1", "2"]'],
    ['quantity library', 'isQuantity(self.memory) && quantity(self.memory).isGreaterThan(quantity("1Gi")) && quantity("1Gi").compareTo(quantity("1024Mi")) == 0 && quantity("500m").asApproximateFloat() == 0.5 && quantity("2k").asInteger() == 2000 && quantity("1").add(quantity("500m")).isLessThan(quantity("2"))'],
    ['sets extension', 'sets.contains(self.names, ["a"]) && sets.equivalent(self.names, ["b", "a"]) && sets.intersects(self.names, ["b", "c"])'],
    ['int-or-string is dynamic', 'type(self.port) == string && self.port.endsWith("%")'],
    ['integers and doubles', 'self.count / 2 == 2 && self.count % 2 == 1 && self.ratio > 1.0 && double(self.count) == 5.0'],
    ['date-time and duration formats', 'self.since < timestamp("2025-01-01T00:00:00Z") && self.since.getFullYear() == 2024 && self.every == duration("90m") && duration("1h30m") > duration("1h")'],
    ['escaped property names', 'self.__namespace__ == "demo" && self.max__dash__surge == "25%"'],
    ['embedded resources expose apiVersion, kind and metadata.name', 'self.template.kind == "Pod" && self.template.apiVersion == "v1" && self.template.metadata.name == "p"'],
  ])('%s', (_name, rule) => {
    expect(run({ rule })).toEqual({ crd: [], causes: [] });
  });

  test('a false rule yields one cause at the rule\'s level, with its message or the default one', () => {
    expect(run({ rule: 'self.count > 10' }).causes).toEqual([{ reason: 'FieldValueInvalid', field: 'spec', message: 'Invalid value: "object": failed rule: self.count > 10' }]);
    expect(run({ rule: 'self.count > 10', message: ' count must exceed 10 ' }).causes).toEqual([{ reason: 'FieldValueInvalid', field: 'spec', message: 'Invalid value: "object": count must exceed 10' }]);
  });

  test('messageExpression words the message, falling back to message when it yields no usable line', () => {
    expect(run({ rule: 'self.count > 10', messageExpression: '"count is " + string(self.count) + ", must exceed 10"' }).causes[0].message).toBe('Invalid value: "object": count is 5, must exceed 10');
    expect(run({ rule: 'self.count > 10', message: 'fallback', messageExpression: '"two\\nlines"' }).causes[0].message).toBe('Invalid value: "object": fallback');
    expect(run({ rule: 'self.count > 10', message: 'fallback', messageExpression: 'self.labels.missing' }).causes[0].message).toBe('Invalid value: "object": fallback');
  });

  test('reason picks the cause type and fieldPath the field the cause names', () => {
    const at = (reason: string) => run({ rule: 'self.count > 10', message: 'too small', reason, fieldPath: '.count' }).causes;
    expect(at('FieldValueForbidden')).toEqual([{ reason: 'FieldValueForbidden', field: 'spec.count', message: 'Forbidden: too small' }]);
    expect(at('FieldValueRequired')).toEqual([{ reason: 'FieldValueRequired', field: 'spec.count', message: 'Required value: too small' }]);
    expect(at('FieldValueDuplicate')).toEqual([{ reason: 'FieldValueDuplicate', field: 'spec.count', message: 'Duplicate value: "object"' }]);
    expect(at('FieldValueInvalid')).toEqual([{ reason: 'FieldValueInvalid', field: 'spec.count', message: 'Invalid value: "object": too small' }]);
    expect(run({ rule: 'false', fieldPath: ".labels['app.kubernetes.io/name']" }).causes[0].field).toBe('spec.labels[app.kubernetes.io/name]');
  });

  test('an evaluation error is reported in cel-go\'s words', () => {
    expect(run({ rule: 'self.labels.missing == "x"' }).causes[0].message).toBe('Invalid value: "object": no such key: missing evaluating rule: self.labels.missing == "x"');
    expect(run({ rule: 'self.numbers[7] == 1' }).causes[0].message).toBe('Invalid value: "object": index out of bounds: 7 evaluating rule: self.numbers[7] == 1');
    expect(run({ rule: 'self.port > 1' }).causes[0].message).toBe(`Invalid value: "object": 'no such overload': call arguments did not match a supported operator, function or macro signature for rule: self.port > 1`);
  });

  test('a transition rule runs only on updates, with oldSelf bound to the old value', () => {
    const rule = { rule: 'self.count >= oldSelf.count', message: 'count may only grow' };
    expect(run(rule).causes).toEqual([]);
    expect(run(rule, { ...value, count: 6 }, value).causes).toEqual([]);
    expect(run(rule, { ...value, count: 4 }, value).causes).toEqual([{ reason: 'FieldValueInvalid', field: 'spec', message: 'Invalid value: "object": count may only grow' }]);
  });

  test('optionalOldSelf runs a transition rule on creates too, with oldSelf an optional', () => {
    const rule = { rule: 'oldSelf.hasValue() ? self.count >= oldSelf.value().count : self.count <= 5', message: 'starts at most 5, then only grows', optionalOldSelf: true };
    expect(run(rule).causes).toEqual([]);
    expect(run(rule, { ...value, count: 6 }).causes).toHaveLength(1);
    expect(run(rule, { ...value, count: 9 }, value).causes).toEqual([]);
    expect(run({ rule: 'oldSelf.orValue(self).count <= self.count', optionalOldSelf: true }, { ...value, count: 4 }, value).causes).toHaveLength(1);
  });

  test('an unchanged value keeps passing a rule it breaks (ratcheting); a changed one does not', () => {
    const rule = { rule: 'self.text.size() < 3', message: 'text too long' };
    expect(run(rule, value, value).causes).toEqual([]);
    expect(run(rule, { ...value, text: 'Hello!' }, value).causes).toHaveLength(1);
  });
});

describe('rules a real server refuses at CRD creation', () => {
  const refusal = (rule: object) => run(rule).crd.map((c) => `${c.field}: ${c.message}`);
  const rulePath = `${path}.properties[spec].x-kubernetes-validations[0]`;
  const shown = (r: string) => `apiextensions.ValidationRule{Rule:${JSON.stringify(r)}, Message:"", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}`;

  test('a field the schema does not declare, cel-go\'s message with the caret under it', () => {
    expect(refusal({ rule: 'self.colour == "red"' })).toEqual([`${rulePath}.rule: Invalid value: ${shown('self.colour == "red"')}: compilation failed: ERROR: <input>:1:5: undefined field 'colour'\n | self.colour == "red"\n | ....^`]);
  });

  test('unknown functions, wrong receivers or argument types, non-boolean rules, syntax errors', () => {
    expect(refusal({ rule: 'self.text.shout()' })[0]).toContain("undeclared reference to 'shout'");
    expect(refusal({ rule: 'self.count.startsWith("1")' })[0]).toContain("found no matching overload for 'startsWith' applied to 'int.(string)'");
    expect(refusal({ rule: 'self.text.contains(1)' })[0]).toContain("found no matching overload for 'contains' applied to 'string.(int)'");
    expect(refusal({ rule: 'self.count' })).toEqual([`${rulePath}.rule: Invalid value: ${shown('self.count')}: cel expression must evaluate to a bool`]);
    expect(refusal({ rule: 'self.count >' })[0]).toMatch(/compilation failed: ERROR: <input>:1:\d+: /);
    expect(refusal({ rule: 'other.count > 1' })[0]).toContain("undeclared reference to 'other'");
    expect(refusal({ rule: 'has(self.extra.anything)' })[0]).toContain("undefined field 'anything'");
    expect(refusal({ rule: 'has(self.template.metadata.labels)' })[0]).toContain("undefined field 'labels'");
  });

  test('a bad reason, fieldPath, messageExpression or optionalOldSelf', () => {
    expect(refusal({ rule: 'true', reason: 'FieldValueWrong' })).toEqual([`${rulePath}.reason: Unsupported value: "FieldValueWrong": supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"`]);
    expect(refusal({ rule: 'true', fieldPath: '.nowhere' })).toEqual([`${rulePath}.fieldPath: Invalid value: ".nowhere": fieldPath must be a valid path`]);
    expect(refusal({ rule: 'true', messageExpression: 'self.count' })[0]).toMatch(/messageExpression: .*: messageExpression must evaluate to a string$/);
    expect(refusal({ rule: 'true', optionalOldSelf: true })).toEqual([`${rulePath}.optionalOldSelf: Invalid value: true: may not be set if oldSelf is not used in rule`]);
    expect(refusal({ rule: '' })).toEqual([`${rulePath}.rule: Required value: rule is not specified`]);
  });

  test('oldSelf under a list that is not a map list', () => {
    const schema: SchemaProps = { type: 'object', properties: { spec: { type: 'object', properties: { items: { type: 'array', items: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf' }] } as SchemaProps } } } } };
    expect(compileSchema(schema, path).causes.map((c) => `${c.field}: ${c.message}`)).toEqual([
      `${path}.properties[spec].properties[items].items.x-kubernetes-validations[0].rule: Invalid value: "self == oldSelf": oldSelf cannot be used on the uncorrelatable portion of the schema within ${path}.properties[spec].properties[items].items`,
    ]);
  });
});

describe('helpers', () => {
  test('property names are escaped as Kubernetes escapes them for CEL', () => {
    expect(['namespace', 'a-b', 'a.b', 'a/b', 'a__b', 'ok_1', '1st', 'a b'].map(escapePropertyName)).toEqual(['__namespace__', 'a__dash__b', 'a__dot__b', 'a__slash__b', 'a__underscores__b', 'ok_1', undefined, undefined]);
  });

  test('Go durations parse to seconds and nanos', () => {
    const d = (s: string) => {
      const parsed = parseGoDuration(s);
      return parsed && [Number(parsed.seconds), parsed.nanos];
    };
    expect([d('1h30m'), d('1.5s'), d('-300ms'), d('0'), d('10'), d('1d')]).toEqual([[5400, 0], [1, 500_000_000], [0, -300_000_000], [0, 0], undefined, undefined]);
  });
});
