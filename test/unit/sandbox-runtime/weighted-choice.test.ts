import { chooseWeighted } from '../../../src/sandbox/dataplane/weighted-choice.ts';
import { createSeededRandom } from '../../../src/sandbox/sample-app/seeded-random.ts';

function shares(weights: Record<string, number>, draws = 10_000): Record<string, number> {
  const random = createSeededRandom(11);
  const candidates = Object.entries(weights).map(([item, weight]) => ({ item, weight }));
  const counts: Record<string, number> = {};
  for (let i = 0; i < draws; i++) {
    const chosen = chooseWeighted(candidates, random.next()) ?? 'none';
    counts[chosen] = (counts[chosen] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v / draws]));
}

describe('weighted choice', () => {
  it('sends everything to the only backend with weight', () => {
    expect(shares({ primary: 100, canary: 0 })).toEqual({ primary: 1 });
    expect(shares({ primary: 0, canary: 100 })).toEqual({ canary: 1 });
  });

  it('splits in proportion to relative weights', () => {
    const result = shares({ primary: 75, canary: 25 });
    expect(result.primary).toBeCloseTo(0.75, 1);
    expect(result.canary).toBeCloseTo(0.25, 1);
    const relative = shares({ a: 0.5, b: 1.5 });
    expect(relative.b).toBeCloseTo(0.75, 1);
  });

  it('returns nothing when no weight is positive, ignoring negative and NaN weights', () => {
    expect(chooseWeighted([{ item: 'a', weight: 0 }, { item: 'b', weight: -5 }, { item: 'c', weight: Number.NaN }], 0.5)).toBeUndefined();
    expect(chooseWeighted([], 0.1)).toBeUndefined();
  });

  it('maps the ends of the draw range onto the first and last backend', () => {
    const candidates = [{ item: 'a', weight: 1 }, { item: 'b', weight: 1 }];
    expect(chooseWeighted(candidates, 0)).toBe('a');
    expect(chooseWeighted(candidates, 0.999999)).toBe('b');
  });
});
