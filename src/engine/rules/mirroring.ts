import { weightsFor } from '../strategy.ts';
import type { Tick } from '../tick.ts';

/**
 * `analysis.mirror`, as Flagger does it: requests are copied to the canary and only the primary's
 * answers reach users, so the canary is judged on live traffic before any user depends on it. Blue/green
 * mirrors for the whole analysis; a weighted canary mirrors for one step before its first weight. The
 * status says whether mirroring is on; the router reads it when it writes the weights.
 */

/** Blue/green with mirror, once the pre-rollout gate passed: mirror every analysis iteration. */
export function startMirroring(tick: Tick): void {
  // A router that moves no traffic (provider: kubernetes) mirrors none either, as in Flagger.
  if (!tick.analysis.mirror || tick.status.trafficMirrored || tick.observation.router.routesTraffic === false) return;
  tick.status.trafficMirrored = true;
  tick.actions.push({ type: 'setWeights', weights: weightsFor(0) });
  tick.event('Normal', 'Mirroring', `Mirroring ${share(tick)} to ${tick.label} canary; users are answered by the primary`);
}

/**
 * A weighted canary with mirror at weight 0: the step is the mirror itself (true: the tick took it). The
 * step after it ends mirroring and gives the canary its first weight.
 */
export function mirrorStep(tick: Tick, current: number): boolean {
  if (!tick.analysis.mirror || current > 0 || tick.observation.router.routesTraffic === false) return false;
  if (tick.status.trafficMirrored) {
    tick.status.trafficMirrored = undefined;
    return false;
  }
  startMirroring(tick);
  return true;
}

/** Ends mirroring before live traffic moves to the canary (blue/green's switch). */
export function stopMirroring(tick: Tick): void {
  tick.status.trafficMirrored = undefined;
}

function share(tick: Tick): string {
  const weight = tick.analysis.mirrorWeight;
  if (weight === undefined) return 'every request';
  if (tick.observation.router.mirrorPercent === false) return `every request (mirrorWeight ${weight} needs an HTTPRoute CRD with mirror percent, Gateway API v1.2+)`;
  return `${weight}% of requests`;
}
