/**
 * A small seeded pseudo-random generator shared by the sample app, the data plane and the load
 * generator. The playground must replay the same run for the same seed, so nothing in the sandbox
 * runtime reads Math.random.
 */

/** A deterministic stream of numbers in [0, 1); the same seed always yields the same sequence. */
export interface SeededRandom {
  /** The next number in [0, 1). */
  next(): number;
  /** The next integer in [0, bound). */
  integer(bound: number): number;
  /** An independent stream derived from this generator's seed and a label (e.g. a pod name). */
  derive(label: string): SeededRandom;
}

/** Creates a generator from a numeric or textual seed. */
export function createSeededRandom(seed: number | string): SeededRandom {
  const seedNumber = typeof seed === 'number' ? seed >>> 0 : hashText(seed);
  let state = seedNumber;
  const next = (): number => {
    // SplitMix32: a Weyl sequence scrambled by two multiply-xorshift rounds; cheap and well mixed.
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    return z / 0x1_0000_0000;
  };
  return {
    next,
    integer: (bound) => Math.floor(next() * bound),
    derive: (label) => createSeededRandom(hashText(`${seedNumber}/${label}`)),
  };
}

// FNV-1a over UTF-16 code units: only needs to spread labels apart, not resist attacks.
function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
