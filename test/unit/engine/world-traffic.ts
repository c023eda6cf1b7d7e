import { createSeededRandom } from '../../../src/sandbox/sample-app/seeded-random.ts';
import type { ComparisonObservation, ComparisonRequest } from '../../../src/engine/observation.ts';
import { poisson } from '../../helpers/random-counts.ts';
import type { ComparisonScript, World } from './world.ts';

/**
 * Traffic for the judge's tests: users call the app at `rps`; the route (the World's weights at the
 * time of the request, as the router left them) splits them between the canary and the primary (or the
 * baseline), and each side fails at its own rate. Counts are Poisson draws from a seeded stream, so a
 * run replays exactly.
 */
export interface TrafficPlan {
  rps: number;
  /** Failure rates (0..1) of each side; the baseline fails as the primary unless told. */
  primary: number;
  canary: number;
  baseline?: number;
  seed?: number;
}

/** A ComparisonScript serving `plan` (a function of time allows an incident or a change mid-run). */
export function trafficOf(plan: TrafficPlan | ((at: number) => TrafficPlan)): ComparisonScript {
  const random = createSeededRandom(typeof plan === 'function' ? 7 : (plan.seed ?? 7));
  return (_name: string, request: ComparisonRequest, world: World): ComparisonObservation => {
    const now = typeof plan === 'function' ? plan(request.to) : plan;
    const seconds = (request.to - request.from) / 1000;
    const weights = world.weights ?? { canary: 0, primary: 100 };
    const referenceShare = (request.against === 'baseline' ? (weights.baseline ?? 0) : weights.primary) / 100;
    const referenceRate = request.against === 'baseline' ? (now.baseline ?? now.primary) : now.primary;
    const canaryRequests = poisson(now.rps * seconds * (weights.canary / 100), random);
    const primaryRequests = poisson(now.rps * seconds * referenceShare, random);
    return {
      result: 'counts',
      counts: {
        canaryRequests,
        primaryRequests,
        canaryEvents: Math.min(canaryRequests, poisson(canaryRequests * now.canary, random)),
        primaryEvents: Math.min(primaryRequests, poisson(primaryRequests * referenceRate, random)),
      },
    };
  };
}
