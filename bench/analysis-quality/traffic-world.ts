// The simulated service both policies watch: Poisson requests in 10-second slots split by the canary
// weight, failures at the primary's rate (times the canary's ratio on the canary), a daily rate cycle,
// common-mode incidents, per-side overdispersion, and lognormal latency (p50 50 ms, p99 250 ms) with
// canary slowdowns, tail pauses and a warm-up penalty. A slot's draws come from a stream seeded by the
// run and the slot, so two policies that give the canary the same weight see the same requests.
import { createSeededRandom } from '../../src/sandbox/sample-app/seeded-random.ts';
import type { SeededRandom } from '../../src/sandbox/sample-app/seeded-random.ts';
import { gammaMultiplier, poisson } from '../../test/helpers/random-counts.ts';

export const SLOT_S = 10;
/** Linkerd-like latency bucket boundaries in ms. */
export const BOUNDARIES = [10, 20, 30, 40, 50, 100, 200, 300, 400, 500, 1000, 2000, 5000, Infinity];
const PAUSE_BUCKET = BOUNDARIES.indexOf(2000);
const LATENCY_MU = Math.log(50);
const LATENCY_SIGMA = Math.log(250 / 50) / 2.3263;
const INCIDENT_S = 120;
const WARM_UP_S = 120;

/** One run's world, drawn from the reference's grid. */
export interface Scenario {
  requestRate: number;
  primaryFailureRate: number;
  /** Canary failure rate ÷ primary's; 'crash' fails every canary request. */
  canaryRatio: number | 'crash';
  intervalS: number;
  threshold: number;
  stepWeight: number;
  maxWeight: number;
  /** Threshold policy's request-success-rate minimum, percent. */
  minSuccess: number;
  /** Start of a 2-minute common-mode incident (both sides fail 5×), seconds after the run starts. */
  incidentAtS?: number;
  /** Coefficient of variation of each side's failure rate, drawn independently per side and slot. */
  overdispersion: number;
  slowdown: number;
  tailPause: number;
  warmUp: boolean;
  /** Where in the daily cycle the run starts, seconds. */
  dayPhaseS: number;
}

/** One side's requests in one slot: failures, and every request's latency bucket (failures are fast). */
export interface SideSlot {
  requests: number;
  failures: number;
  /** Requests per bucket of BOUNDARIES (not cumulative). */
  buckets: number[];
}

/** One slot of traffic at a given canary weight. */
export interface Slot {
  canary: SideSlot;
  primary: SideSlot;
  /** Canary failures beyond what the primary's rate gives the same requests: the regression's harm. */
  excessFailures: number;
}

/** The service for one run; `slot(i, weight)` is deterministic in (seed, i, weight). */
export class TrafficWorld {
  readonly scenario: Scenario;
  readonly #seed: number;
  readonly #cache = new Map<string, Slot>();
  readonly #profiles = new Map<string, number[]>();

  constructor(scenario: Scenario, seed: number) {
    this.scenario = scenario;
    this.#seed = seed;
  }

  /** The primary's latency histogram over 10 minutes at full traffic before the run (cumulative buckets). */
  preRunHistogram(): { buckets: { le: number; count: number }[]; count: number } {
    const random = createSeededRandom(this.#seed).derive('pre-run');
    const side = this.#side(random, this.scenario.requestRate * 600, this.scenario.primaryFailureRate, this.#profile(1, 0));
    let total = 0;
    return { buckets: BOUNDARIES.map((le, i) => ({ le, count: (total += side.buckets[i]) })), count: side.requests };
  }

  /** Traffic in slot `index` ([10·index, 10·index + 10) s after the run started) with the canary at `weight` %. */
  slot(index: number, weight: number): Slot {
    const key = `${index}/${weight}`;
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    const s = this.scenario;
    const random = createSeededRandom(this.#seed).derive(`slot ${index}`);
    // Noise first, so it is the same whatever the weight.
    const canaryNoise = gammaMultiplier(s.overdispersion, random);
    const primaryNoise = gammaMultiplier(s.overdispersion, random);
    const startS = index * SLOT_S;
    const requests = s.requestRate * SLOT_S * (1 + 0.5 * Math.sin((2 * Math.PI * (s.dayPhaseS + startS)) / 86_400));
    const incident = s.incidentAtS !== undefined && startS >= s.incidentAtS && startS < s.incidentAtS + INCIDENT_S ? 5 : 1;
    const primaryRate = Math.min(1, s.primaryFailureRate * incident);
    const canaryRate = s.canaryRatio === 'crash' ? 1 : Math.min(1, primaryRate * s.canaryRatio);
    const slowdown = s.slowdown * (s.warmUp && startS < WARM_UP_S ? 2 : 1);
    const canary = this.#side(random, requests * (weight / 100), Math.min(1, canaryRate * canaryNoise), this.#profile(slowdown, s.tailPause));
    const primary = this.#side(random, requests * (1 - weight / 100), Math.min(1, primaryRate * primaryNoise), this.#profile(1, 0));
    const slot = { canary, primary, excessFailures: canary.requests * Math.max(0, canaryRate - primaryRate) };
    this.#cache.set(key, slot);
    return slot;
  }

  // Independent Poisson counts per (failed) and (succeeded, bucket): exact thinning of Poisson arrivals.
  #side(random: SeededRandom, expectedRequests: number, failureRate: number, profile: number[]): SideSlot {
    const failures = poisson(expectedRequests * failureRate, random);
    const buckets = profile.map((share) => poisson(expectedRequests * (1 - failureRate) * share, random));
    buckets[0] += failures;
    return { requests: buckets.reduce((sum, n) => sum + n, 0), failures, buckets };
  }

  // Share of successful requests per bucket for latency × slowdown, a `pause` share sent to (1 s, 2 s].
  #profile(slowdown: number, pause: number): number[] {
    const key = `${slowdown}/${pause}`;
    const known = this.#profiles.get(key);
    if (known !== undefined) return known;
    const below = BOUNDARIES.map((le) => (le === Infinity ? 1 : normalCdf((Math.log(le / slowdown) - LATENCY_MU) / LATENCY_SIGMA)));
    const shares = below.map((p, i) => (1 - pause) * (p - (i === 0 ? 0 : below[i - 1])) + (i === PAUSE_BUCKET ? pause : 0));
    this.#profiles.set(key, shares);
    return shares;
  }
}

// Φ(z) by Simpson's rule on the density (setup only: a few dozen calls per run).
function normalCdf(z: number): number {
  const x = Math.min(Math.abs(z), 12);
  const panels = 400;
  const width = x / panels;
  const density = (t: number) => Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);
  let sum = density(0) + density(x);
  for (let i = 1; i < panels; i++) sum += (i % 2 === 1 ? 4 : 2) * density(i * width);
  const half = (sum * width) / 3;
  return z >= 0 ? 0.5 + half : 0.5 - half;
}
