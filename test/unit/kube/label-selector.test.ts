import fc from 'fast-check';
import { LabelSelector, LabelSelectorError } from '../../../src/kube/label-selector.ts';
import { parseLabelSelectorQuery } from '../../../src/sandbox/apiserver/label-selector.ts';

/** One label selector for the controller (sharding by --selector) and the sandbox API server (LIST and WATCH filters). */

const matches = (selector: string, labels: Record<string, string>) => LabelSelector.parse(selector).matches(labels);

test.each([
  ['shard=a', { shard: 'a' }, true],
  ['shard==a', { shard: 'b' }, false],
  ['shard!=a', {}, true],
  ['shard!=a', { shard: 'a' }, false],
  ['env in (prod, staging)', { env: 'staging' }, true],
  ['env in (prod,staging)', {}, false],
  ['env notin (prod)', {}, true],
  ['env notin (prod)', { env: 'prod' }, false],
  ['legacy', { legacy: '' }, true],
  ['!legacy', { legacy: 'x' }, false],
  ['app.kubernetes.io/name=podinfo,!legacy,env in (a,b)', { 'app.kubernetes.io/name': 'podinfo', env: 'b' }, true],
] as const)('%s against %j: %s', (selector, labels, expected) => {
  expect(matches(selector, labels)).toBe(expected);
});

const key = fc.constantFrom('shard', 'tier', 'app.kubernetes.io/name', 'env');
const value = fc.constantFrom('a', 'b', 'prod', 'staging', '');
const requirement = fc.oneof(
  fc.tuple(key, fc.constantFrom('=', '==', '!='), value).map(([k, op, v]) => `${k}${op}${v}`),
  fc.tuple(key, fc.constantFrom('in', 'notin'), fc.array(value.filter((v) => v !== ''), { minLength: 1, maxLength: 3 })).map(([k, op, vs]) => `${k} ${op} (${vs.join(',')})`),
  key,
  key.map((k) => `!${k}`),
);

test('the canonical form (a Scale status.selector) selects what the selector it came from selects', () => {
  fc.assert(
    fc.property(fc.array(requirement, { maxLength: 3 }), fc.dictionary(key, value, { maxKeys: 4 }), (requirements, labels) => {
      const parsed = LabelSelector.parse(requirements.join(','));
      expect(LabelSelector.parse(parsed.toString()).matches(labels)).toBe(parsed.matches(labels));
    }),
    { seed: 1616, numRuns: 2000 },
  );
});

test('an empty selector matches everything; a malformed one is refused naming the part, by the API server in its words', () => {
  expect(matches('', {})).toBe(true);
  expect(matches(' shard=a ', { shard: 'a' })).toBe(true);
  expect(() => LabelSelector.parse('shard=a,=b')).toThrow(LabelSelectorError);
  expect(() => LabelSelector.parse('shard=a,=b')).toThrow(/cannot read "=b"/);
  expect(() => parseLabelSelectorQuery('shard=a,=b')).toThrow("unable to parse requirement: found '=b', expected: in, notin, =, ==, !=, gt, lt");
});
