/**
 * ln Σ exp(x_i) without overflow: e-values multiply likelihood ratios that reach e^1000 on a crashed
 * canary, so every sum of them is taken in log space.
 */

/** ln Σ exp(terms[i]); -Infinity for no terms (a sum of nothing is 0). */
export function logSumExp(terms: readonly number[]): number {
  let max = -Infinity;
  for (const term of terms) if (term > max) max = term;
  if (max === -Infinity || max === Infinity) return max;
  let sum = 0;
  for (const term of terms) sum += Math.exp(term - max);
  return max + Math.log(sum);
}
