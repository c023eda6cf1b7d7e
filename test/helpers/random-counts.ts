/**
 * Random counts for simulations of traffic (the judge's validity tests and the analysis-quality
 * bench): Poisson request and failure counts and Gamma multipliers for overdispersion, drawn from a
 * seeded stream so every run replays exactly.
 */
import type { SeededRandom } from '../../src/sandbox/sample-app/seeded-random.ts';

// Math's functions bound once: inside jest's VM contexts every lookup of a global costs ~30× a
// local one, and the validity simulations call these millions of times.
const { abs, cos, exp, floor, log, pow, sqrt } = Math;

/** A Poisson(mean) count: inversion below a mean of 30, Hörmann's PTRS transformed rejection above. */
export function poisson(mean: number, random: SeededRandom): number {
  if (!(mean > 0)) return 0;
  if (mean < 30) {
    const limit = exp(-mean);
    let product = random.next();
    let count = 0;
    while (product > limit) {
      count++;
      product *= random.next();
    }
    return count;
  }
  const sqrtMean = sqrt(mean);
  const logMean = log(mean);
  const b = 0.931 + 2.53 * sqrtMean;
  const a = -0.059 + 0.02483 * b;
  const inverseAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const acceptBox = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = random.next() - 0.5;
    const v = random.next();
    const us = 0.5 - abs(u);
    const k = floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= acceptBox) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (log(v) + log(inverseAlpha) - log(a / (us * us) + b) <= -mean + k * logMean - logFactorial(k)) return k;
  }
}

/** A Gamma(shape, scale 1/shape) multiplier with mean 1 and coefficient of variation 1/√shape (Marsaglia–Tsang). */
export function gammaMultiplier(cv: number, random: SeededRandom): number {
  if (cv <= 0) return 1;
  const shape = 1 / (cv * cv);
  return gamma(shape, random) / shape;
}

/** A standard normal draw (Box–Muller; one of the pair is dropped for simplicity). */
export function normal(random: SeededRandom): number {
  const u = 1 - random.next();
  return sqrt(-2 * log(u)) * cos(2 * Math.PI * random.next());
}

function gamma(shape: number, random: SeededRandom): number {
  if (shape < 1) return gamma(shape + 1, random) * pow(1 - random.next(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / sqrt(9 * d);
  for (;;) {
    const x = normal(random);
    const v = pow(1 + c * x, 3);
    if (v <= 0) continue;
    const u = 1 - random.next();
    if (log(u) < 0.5 * x * x + d - d * v + d * log(v)) return d * v;
  }
}

function logFactorial(k: number): number {
  if (k < 20) {
    let sum = 0;
    for (let i = 2; i <= k; i++) sum += log(i);
    return sum;
  }
  // Stirling's series; at k ≥ 20 the next term is below 1e-12.
  return k * log(k) - k + 0.5 * log(2 * Math.PI * k) + 1 / (12 * k) - 1 / (360 * k ** 3) + 1 / (1260 * k ** 5);
}
