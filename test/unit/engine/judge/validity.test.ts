import { initialState, update, verdict } from '../../../../src/engine/judge/index.ts';
import type { JudgeConfig } from '../../../../src/engine/judge/index.ts';
import { createSeededRandom } from '../../../../src/sandbox/sample-app/seeded-random.ts';
import type { SeededRandom } from '../../../../src/sandbox/sample-app/seeded-random.ts';
import { poisson } from '../../../helpers/random-counts.ts';

// The reference's validity simulation, smaller: α = 0.05, weights 5 → 50 %, 200 intervals of 6,000
// requests, a primary failure rate of 0.5 % drifting up to ±80 %. The judge must roll back a canary
// that is no worse than tolerated in at most α of the runs, however the weights were chosen, as long
// as each interval's weight was chosen before its outcomes.
const ALPHA = 0.05;
const INTERVALS = 200;
const RUNS = 300;
const config: JudgeConfig = { confidence: 1 - ALPHA, metrics: [{ name: 'request-success-rate', kind: 'failures', maxIncrease: 0.2 }] };

type WeightPolicy = (previous: number, eValue: number, random: SeededRandom) => number;

/** Steps 5 → 50 % by 5 and stays, as a canary does. */
const stepping: WeightPolicy = (previous) => Math.min(50, previous + 5);
/** Chooses each weight from the evidence so far: all in when the e-value rises, back to 5 % when it falls, random otherwise. */
const chasing: WeightPolicy = (_previous, eValue, random) => (eValue > 2 ? 50 : eValue < 0.5 ? 5 : 5 + 5 * random.integer(10));

/** Fraction of runs rolled back for a canary failing `ratio` times as often as the primary. */
function falseRollbackRate(ratio: number, policy: WeightPolicy, seed: number): number {
  const random = createSeededRandom(seed);
  let rolledBack = 0;
  for (let run = 0; run < RUNS; run++) {
    let state = initialState(config);
    let weight = 0;
    let eValue = 1;
    let drift = 1;
    for (let k = 0; k < INTERVALS; k++) {
      weight = policy(weight, eValue, random);
      drift = Math.min(1.8, Math.max(0.2, drift * Math.exp(0.15 * (random.next() - 0.5))));
      const primaryRate = 0.005 * drift;
      const canaryRequests = poisson(6000 * (weight / 100), random);
      const primaryRequests = poisson(6000 * (1 - weight / 100), random);
      const counts = {
        canaryRequests,
        primaryRequests,
        canaryEvents: Math.min(canaryRequests, poisson(canaryRequests * primaryRate * ratio, random)),
        primaryEvents: poisson(primaryRequests * primaryRate, random),
      };
      state = update(state, { metrics: { 'request-success-rate': counts } });
      const judged = verdict(state, config);
      eValue = judged.eValue;
      if (judged.decision === 'rollback') {
        rolledBack++;
        break;
      }
    }
  }
  return rolledBack / RUNS;
}

describe('the judge stays valid however often it looks', () => {
  it('rolls back an identical canary in at most α of the runs, with the weights stepping up', () => {
    expect(falseRollbackRate(1, stepping, 1)).toBeLessThanOrEqual(ALPHA);
  });

  it('rolls back a canary exactly at the tolerated ratio in at most α of the runs, with weights chosen from the evidence', () => {
    expect(falseRollbackRate(1.2, chasing, 2)).toBeLessThanOrEqual(ALPHA);
  });

  it('does roll back most runs of a canary failing twice as often, under the same weights and drift', () => {
    // The same simulation has the power to notice: the bounds above are not met by a judge that never acts.
    expect(falseRollbackRate(2, stepping, 3)).toBeGreaterThan(0.95);
  });
});
