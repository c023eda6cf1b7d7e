/**
 * The reference's closed form for the e-value of a fixed-share binomial test under a Beta prior on
 * θ truncated to (θ0, 1): E = B(a+Y, b+N−Y)·[1 − I_θ0(a+Y, b+N−Y)] / (B(a,b)·[1 − I_θ0(a,b)]·θ0^Y·(1−θ0)^(N−Y)).
 * Written independently of the judge (log-gamma by Lanczos, the incomplete beta by its continued
 * fraction) so the judge's numerically integrated mixtures can be checked against it.
 */

/** ln of the closed-form e-value; `truncated: false` uses the whole Beta prior on (0, 1). */
export function closedFormLogEValue(y: number, n: number, theta0: number, a: number, b: number, truncated = true): number {
  const posteriorTail = truncated ? Math.log(1 - regularizedBeta(theta0, a + y, b + n - y)) : 0;
  const priorTail = truncated ? Math.log(1 - regularizedBeta(theta0, a, b)) : 0;
  return logBeta(a + y, b + n - y) + posteriorTail - logBeta(a, b) - priorTail - y * Math.log(theta0) - (n - y) * Math.log(1 - theta0);
}

/** ln B(a, b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** I_x(a, b), the regularized incomplete beta function. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - regularizedBeta(1 - x, b, a);
  const front = Math.exp(a * Math.log(x) + b * Math.log(1 - x) - logBeta(a, b)) / a;
  return front * betaContinuedFraction(x, a, b);
}

// Lentz's evaluation of the continued fraction for I_x(a, b).
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    for (const numerator of [(m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)), (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))]) {
      d = 1 + numerator * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + numerator / c;
      if (Math.abs(c) < tiny) c = tiny;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-15) break;
  }
  return h;
}
