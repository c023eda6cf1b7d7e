import fc from 'fast-check';
import { LabelSelectorError, parseLabelSelector } from '../../../src/kube/label-selector.ts';
import { LabelSelector } from '../../../src/sandbox/apiserver/label-selector.ts';

/** The controller's label selector matcher agrees with the sandbox API server's, which filters its watches. */

const key = fc.constantFrom('shard', 'tier', 'app.kubernetes.io/name', 'env');
const value = fc.constantFrom('a', 'b', 'prod', 'staging', '');
const requirement = fc.oneof(
  fc.tuple(key, fc.constantFrom('=', '==', '!='), value).map(([k, op, v]) => `${k}${op}${v}`),
  fc.tuple(key, fc.constantFrom('in', 'notin'), fc.array(value.filter((v) => v !== ''), { minLength: 1, maxLength: 3 })).map(([k, op, vs]) => `${k} ${op} (${vs.join(',')})`),
  key,
  key.map((k) => `!${k}`),
);

test('the same verdict as the API server for generated selectors and labels', () => {
  fc.assert(
    fc.property(fc.array(requirement, { maxLength: 3 }), fc.dictionary(key, value, { maxKeys: 4 }), (requirements, labels) => {
      const selector = requirements.join(',');
      expect([selector, parseLabelSelector(selector)(labels)]).toEqual([selector, LabelSelector.parse(selector).matches(labels)]);
    }),
    { seed: 1616, numRuns: 2000 },
  );
});

test('an empty selector matches everything; a malformed one is refused naming the part', () => {
  expect(parseLabelSelector('')({})).toBe(true);
  expect(parseLabelSelector(' shard=a ')({ shard: 'a' })).toBe(true);
  expect(() => parseLabelSelector('shard=a,=b')).toThrow(LabelSelectorError);
  expect(() => parseLabelSelector('shard=a,=b')).toThrow(/cannot read "=b"/);
});
