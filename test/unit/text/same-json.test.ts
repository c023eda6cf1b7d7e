import fc from 'fast-check';
import { sameJson, stableJson } from '../../../src/text/stable-json.ts';

/** JSON-like values with the shapes that make comparison tricky: undefined properties, key order, nesting. */
const value = fc.letrec((tie) => ({
  leaf: fc.oneof(fc.constant(null), fc.constant(undefined), fc.boolean(), fc.integer({ min: -3, max: 3 }), fc.constantFrom('a', 'b', '')),
  node: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('x', 'y', 'z'), tie('node'), { maxKeys: 3 })),
})).node;

/** The same value with every object's keys in reverse order. */
function reordered(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reordered);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reordered(x)]));
}

describe('sameJson', () => {
  it('agrees with comparing stableJson texts', () => {
    fc.assert(fc.property(value, value, (a, b) => sameJson(a, b) === (stableJson(a) === stableJson(b))), { numRuns: 2000 });
  });

  it('ignores key order and undefined properties', () => {
    fc.assert(fc.property(value, (a) => sameJson(a, reordered(a))));
    expect(sameJson({ phase: 'Initialized', failedChecks: 0, waitingSince: undefined }, { failedChecks: 0, phase: 'Initialized' })).toBe(true);
    expect(sameJson({ conditions: [{ type: 'Ready' }] }, { conditions: [{ type: 'Ready', status: 'True' }] })).toBe(false);
  });

  it('reads an undefined array element as null, as JSON does', () => {
    expect(sameJson([undefined], [null])).toBe(true);
    expect(sameJson([undefined], [])).toBe(false);
  });
});
