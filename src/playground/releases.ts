/**
 * The playground's two apps and their releases: podinfo (a weighted canary) and frontend (A/B by
 * header), the versions shipped, how hard users call them, and what the analysis lets a bad one cost.
 */
import type { Canary, CanaryMetric } from '../api/canary.ts';
import { canarySettings } from '../api/canary-settings.ts';
import { SLACK_PROVIDER, type AppVersion } from './playground-world.ts';

// Short windows so a bad version shows within a tick or two, and one release's traffic has left the
// window before the next release is judged.
const METRICS: CanaryMetric[] = [
  { name: 'request-success-rate', interval: '2s', thresholdRange: { min: 99 } },
  // One process plays every part, so on a busy two-core machine event-loop stalls show up as latency:
  // healthy versions reach a p99 of ~470 ms there. The threshold leaves room for that.
  { name: 'request-duration', interval: '2s', thresholdRange: { max: 1000 } },
];
const ALERTS: NonNullable<Canary['spec']['analysis']['alerts']> = [{ name: 'slack', severity: 'info', providerRef: { name: SLACK_PROVIDER } }];

/** podinfo's analysis: a check a second, steps of 20 up to 100, rolled back at the second failed check. */
export const PODINFO_ANALYSIS: Canary['spec']['analysis'] = { interval: '1s', threshold: 2, stepWeight: 20, maxWeight: 100, metrics: METRICS, alerts: ALERTS };
/** frontend's analysis: A/B for requests with `x-canary: insider`, four checks a second apart. */
export const FRONTEND_ANALYSIS: Canary['spec']['analysis'] = {
  interval: '1s',
  threshold: 2,
  iterations: 4,
  match: [{ headers: { 'x-canary': { exact: 'insider' } } }],
  metrics: METRICS,
  alerts: ALERTS,
};

/** Users per second on podinfo during a release. */
export const PODINFO_RPS = 50;

const version = (image: string, env: Record<string, string>): AppVersion => ({ image, env: { LATENCY_MS: '2', ...env } });
export const PODINFO_V1 = version('ghcr.io/stefanprodan/podinfo:6.0.0', { VERSION: 'v1' });
export const PODINFO_V2 = version('ghcr.io/stefanprodan/podinfo:6.0.1', { VERSION: 'v2' });
/** Half its answers are 500s: the analysis must stop it at the first step. */
export const PODINFO_V3_BAD = version('ghcr.io/stefanprodan/podinfo:6.0.2', { VERSION: 'v3', ERROR_RATE: '0.5' });
export const FRONTEND_V1 = version('example/frontend:1.0.0', { VERSION: 'v1' });
export const FRONTEND_V2 = version('example/frontend:1.1.0', { VERSION: 'v2' });

/**
 * What the analysis lets a bad version cost. Its checks never pass, so its weight never goes beyond the
 * first step, and it is rolled back at the `threshold`-th failed check: open for about
 * (threshold + 1) × interval (the tick that opens it, then `threshold` checks). Of the requests users
 * send while it is open, it gets the step's share: the bound is that share plus three standard
 * deviations of binomial noise. Counting requests sent while open, rather than seconds, keeps the
 * bound true on a busy machine where ticks run late.
 */
export function badVersionBound(analysis: Canary['spec']['analysis'], sentWhileOpen: number): { share: number; requests: number; expectedOpenMs: number } {
  const share = (analysis.stepWeight ?? 0) / 100;
  const mean = share * sentWhileOpen;
  const settings = canarySettings({ spec: { analysis } as Canary['spec'] });
  const expectedOpenMs = (settings.threshold + 1) * settings.interval.milliseconds;
  return { share, requests: Math.ceil(mean + 3 * Math.sqrt(mean * (1 - share))), expectedOpenMs };
}
