import { createSeededRandom } from '../../../src/sandbox/sample-app/seeded-random.ts';

describe('seeded random', () => {
  it('replays the same sequence for the same seed and a different one for another seed', () => {
    const take = (seed: number | string) => {
      const random = createSeededRandom(seed);
      return Array.from({ length: 20 }, () => random.next());
    };
    expect(take(42)).toEqual(take(42));
    expect(take('playground')).toEqual(take('playground'));
    expect(take(42)).not.toEqual(take(43));
  });

  it('stays in [0, 1) and spreads evenly', () => {
    const random = createSeededRandom(7);
    const deciles = new Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const value = random.next();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
      deciles[Math.floor(value * 10)]++;
    }
    for (const count of deciles) expect(Math.abs(count - 2000)).toBeLessThan(200);
  });

  it('derives independent, reproducible streams per label', () => {
    const a = createSeededRandom(1).derive('pod-a');
    const b = createSeededRandom(1).derive('pod-b');
    const again = createSeededRandom(1).derive('pod-a');
    const first = [a.next(), a.next()];
    expect([again.next(), again.next()]).toEqual(first);
    expect([b.next(), b.next()]).not.toEqual(first);
  });

  it('draws integers below the bound', () => {
    const random = createSeededRandom(3);
    const seen = new Set(Array.from({ length: 500 }, () => random.integer(4)));
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
  });
});
