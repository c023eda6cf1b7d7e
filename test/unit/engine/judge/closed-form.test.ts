import { initialState, update, verdict } from '../../../../src/engine/judge/index.ts';
import type { IntervalCounts } from '../../../../src/engine/judge/index.ts';
import { logLikelihoodRatio } from '../../../../src/engine/judge/likelihood.ts';
import { logSumExp } from '../../../../src/engine/judge/log-sum-exp.ts';
import { closedFormLogEValue, logBeta, regularizedBeta } from './beta-reference.ts';

// The reference's check value: Y = 30 canary failures of N = 200, θ0 = 0.1, Beta(10, 90) prior.
const Y = 30;
const N = 200;
const THETA0 = 0.1;
const A = 10;
const B = 90;

/** Counts whose canary share is `share`, with Y of the N failures on the canary. */
function countsWithShare(share: number): IntervalCounts {
  return { canaryRequests: 10_000 * share, primaryRequests: 10_000 * (1 - share), canaryEvents: Y, primaryEvents: N - Y };
}

/** The judge's likelihood ratio mixed over a Beta prior on θ by the midpoint rule, in the ratio r the judge uses. */
function integratedLogEValue(share: number, truncated: boolean): number {
  const counts = countsWithShare(share);
  const ratioOf = (theta: number) => (theta * (1 - share)) / ((1 - theta) * share);
  const tolerated = ratioOf(THETA0);
  const from = truncated ? THETA0 : 0;
  const points = 40_000;
  const width = (1 - from) / points;
  const logPriorNorm = logBeta(A, B) + (truncated ? Math.log(1 - regularizedBeta(THETA0, A, B)) : 0);
  const terms: number[] = [];
  for (let i = 0; i < points; i++) {
    const theta = from + (i + 0.5) * width;
    const logPrior = (A - 1) * Math.log(theta) + (B - 1) * Math.log(1 - theta) - logPriorNorm + Math.log(width);
    terms.push(logPrior + logLikelihoodRatio(counts, tolerated, ratioOf(theta)));
  }
  return logSumExp(terms);
}

describe('the conditional binomial likelihood against the closed form', () => {
  it('gives the reference check value, ln E = 1.744249, under the truncated Beta prior', () => {
    expect(closedFormLogEValue(Y, N, THETA0, A, B)).toBeCloseTo(1.744249, 6);
    expect(integratedLogEValue(0.5, true)).toBeCloseTo(1.744249, 4);
  });

  it('gives E ≈ 2.757 without the truncation', () => {
    expect(Math.exp(closedFormLogEValue(Y, N, THETA0, A, B, false))).toBeCloseTo(2.757, 3);
    expect(Math.exp(integratedLogEValue(0.5, false))).toBeCloseTo(2.757, 3);
  });

  it('reads the canary share from the requests: a 20 % share gives the same evidence for the same θ', () => {
    expect(integratedLogEValue(0.2, true)).toBeCloseTo(1.744249, 4);
  });
});

describe('the judge grid against the half-normal mixture it discretises', () => {
  // ∫ half-normal(u; ln 2) · LR(r0·e^u) du by a fine midpoint rule: what the 161-point grid approximates.
  function quadratureLogEValue(intervals: IntervalCounts[], tolerated: number): number {
    const scale = Math.LN2;
    const width = 0.0005;
    const terms: number[] = [];
    for (let u = width / 2; u < 8; u += width) {
      const logPrior = Math.log((Math.SQRT2 / (scale * Math.sqrt(Math.PI))) * width) - (u * u) / (2 * scale * scale);
      terms.push(logPrior + intervals.reduce((sum, counts) => sum + logLikelihoodRatio(counts, tolerated, tolerated * Math.exp(u)), 0));
    }
    return logSumExp(terms);
  }

  const config = { metrics: [{ name: 'errors', kind: 'failures' as const, maxIncrease: 0.2 }] };
  const cases: [string, IntervalCounts[]][] = [
    ['little evidence', [{ canaryRequests: 600, primaryRequests: 5400, canaryEvents: 4, primaryEvents: 27 }]],
    ['a clear regression', [{ canaryRequests: 600, primaryRequests: 5400, canaryEvents: 9, primaryEvents: 27 }, { canaryRequests: 1200, primaryRequests: 4800, canaryEvents: 15, primaryEvents: 24 }]],
    ['a healthy canary', [{ canaryRequests: 3000, primaryRequests: 3000, canaryEvents: 28, primaryEvents: 31 }]],
  ];
  it.each(cases)('agrees within 1 %% on %s', (_label, intervals) => {
    const state = intervals.reduce((s, counts) => update(s, { metrics: { errors: counts } }), initialState(config));
    const grid = Math.log(verdict(state, config).eValue);
    expect(Math.abs(grid - quadratureLogEValue(intervals, 1.2))).toBeLessThan(0.01);
  });
});
