// The two ways of judging a run, stepping the canary weight as Kanari's decision core does: the first
// tick takes the first step without checks; every later tick checks, and either counts a failed check
// (rollback at `threshold`) or advances, promoting on the passing tick at maxWeight.
//
// - thresholds: Flagger's policy — request-success-rate ≥ minSuccess and request-duration p99 ≤ 500 ms
//   over the last minute (the metric's default interval), through `judgeMetrics`.
// - judge: the sequential judge on failures and slow requests over each interval, plus a loose guard rail
//   (success ≥ 90 %, as in the example) counted like a failed check. Without early promotion it
//   keeps the same schedule; the first tick it would promote early is recorded too.
// No data (no canary request in the window) is a failed check for both, as in Kanari today.
import type { CanaryMetric } from '../../src/api/canary.ts';
import { judgeMetrics } from '../../src/engine/judge.ts';
import type { MetricObservation } from '../../src/engine/observation.ts';
import { initialState, slowBoundary, update, verdict } from '../../src/engine/judge/index.ts';
import type { IntervalCounts, JudgeConfig, JudgeState } from '../../src/engine/judge/index.ts';
import { BOUNDARIES, SLOT_S } from './traffic-world.ts';
import type { SideSlot, TrafficWorld } from './traffic-world.ts';

const WINDOW_SLOTS = 60 / SLOT_S;
export const LATENCY_MAX_MS = 500;
export const GUARD_RAIL_MIN_SUCCESS = 90;

export type Cause = 'judge' | 'check' | 'no-data';

/** How one run ended under one policy. */
export interface Outcome {
  decision: 'rollback' | 'promote';
  atS: number;
  cause?: Cause;
  /** Canary failures beyond the primary's rate, served before the decision. */
  excessFailures: number;
}

/** Which metrics are compared (the reference's table uses success rate alone), and judge variants. */
export interface PolicyOptions {
  latency: boolean;
  /** Update and consult the judge every 10-second slot instead of every analysis interval (steps unchanged). */
  judgeEverySlot?: boolean;
  /** Feed the judge nothing from the first seconds of the run (a warm-up it should not hold against the canary). */
  judgeFromS?: number;
  /** The judge's confidence (1 − α); 0.95 unless stated. */
  confidence?: number;
  /** The tolerated relative increase; 0.2 unless stated. */
  maxIncrease?: number;
}

/** Flagger's threshold policy on identical traffic. */
export function runThresholds(world: TrafficWorld, options: PolicyOptions): Outcome {
  const metrics: CanaryMetric[] = [{ name: 'request-success-rate', thresholdRange: { min: world.scenario.minSuccess } }];
  if (options.latency) metrics.push({ name: 'request-duration', thresholdRange: { max: LATENCY_MAX_MS } });
  return stepThrough(world, (window) => checkWindow(metrics, window));
}

/** The sequential judge (with the guard rail) on identical traffic, and when it would have promoted early. */
export function runJudge(world: TrafficWorld, options: PolicyOptions): { outcome: Outcome; earlyPromotion: Outcome } {
  const boundary = options.latency ? slowBoundary(world.preRunHistogram()) : undefined;
  const boundaryMs = boundary !== undefined && 'boundaryMs' in boundary ? boundary.boundaryMs : undefined;
  const config: JudgeConfig = {
    confidence: options.confidence ?? 0.95,
    earlyPromotion: true,
    metrics: [{ name: 'request-success-rate', kind: 'failures', maxIncrease: options.maxIncrease ?? 0.2 }],
  };
  if (boundaryMs !== undefined) config.metrics.push({ name: 'request-duration', kind: 'latency', maxIncrease: options.maxIncrease ?? 0.2, boundaryMs });
  const guardRail: CanaryMetric[] = [{ name: 'request-success-rate', thresholdRange: { min: GUARD_RAIL_MIN_SUCCESS } }];
  let state: JudgeState = initialState(config);
  let earlyPromotion: Outcome | undefined;
  const decide = (): Cause | 'promote' | 'continue' => {
    const decision = verdict(state, config).decision;
    return decision === 'rollback' ? 'judge' : decision;
  };
  const feed = (interval: { canary: SideSlot; primary: SideSlot }, endS: number) => {
    if (endS <= (options.judgeFromS ?? 0)) return 'continue';
    state = update(state, { metrics: intervalCounts(interval, boundaryMs) });
    return decide();
  };
  const onSlot = options.judgeEverySlot ? (slot: { canary: SideSlot; primary: SideSlot }, endS: number) => feed(slot, endS) === 'judge' : undefined;
  const outcome = stepThrough(world, (window, interval, atS, excess) => {
    const decision = options.judgeEverySlot ? decide() : feed(interval, atS);
    if (decision === 'judge') return 'judge';
    if (decision === 'promote' && earlyPromotion === undefined) earlyPromotion = { decision: 'promote', atS, excessFailures: excess };
    return checkWindow(guardRail, window);
  }, onSlot);
  return { outcome, earlyPromotion: earlyPromotion !== undefined && earlyPromotion.atS < outcome.atS ? earlyPromotion : outcome };
}

type Judge = (window: SideSlot[], interval: { canary: SideSlot; primary: SideSlot }, atS: number, excessSoFar: number) => Cause | 'pass';

/** Consulted after every slot; true rolls back at once. */
type SlotJudge = (slot: { canary: SideSlot; primary: SideSlot }, endS: number) => boolean;

function stepThrough(world: TrafficWorld, judge: Judge, onSlot?: SlotJudge): Outcome {
  const s = world.scenario;
  const slotsPerTick = Math.max(1, Math.round(s.intervalS / SLOT_S));
  let weight = Math.min(s.stepWeight, s.maxWeight);
  let failed = 0;
  let excess = 0;
  const recent: SideSlot[] = [];
  for (let tick = 1, slot = 0; ; tick++) {
    const interval = { canary: emptySide(), primary: emptySide() };
    for (let i = 0; i < slotsPerTick; i++, slot++) {
      const traffic = world.slot(slot, weight);
      excess += traffic.excessFailures;
      if (onSlot?.(traffic, (slot + 1) * SLOT_S)) return { decision: 'rollback', atS: (slot + 1) * SLOT_S, cause: 'judge', excessFailures: excess };
      add(interval.canary, traffic.canary);
      add(interval.primary, traffic.primary);
      recent.push(traffic.canary);
      if (recent.length > WINDOW_SLOTS) recent.shift();
    }
    const atS = tick * slotsPerTick * SLOT_S;
    const result = judge(recent, interval, atS, excess);
    if (result === 'judge') return { decision: 'rollback', atS, cause: 'judge', excessFailures: excess };
    if (result !== 'pass') {
      failed++;
      if (failed >= s.threshold) return { decision: 'rollback', atS, cause: result, excessFailures: excess };
      continue;
    }
    if (weight >= s.maxWeight) return { decision: 'promote', atS, excessFailures: excess };
    weight = Math.min(weight + s.stepWeight, s.maxWeight);
  }
}

// Success rate and p99 of the canary over the last minute, judged by Kanari's threshold judge.
function checkWindow(metrics: CanaryMetric[], window: SideSlot[]): Cause | 'pass' {
  const total = emptySide();
  for (const side of window) add(total, side);
  const observed: MetricObservation[] = metrics.map((metric) => {
    if (total.requests === 0) return { name: metric.name, result: 'no-data', reason: 'no canary requests' };
    if (metric.name === 'request-success-rate') return { name: metric.name, result: 'value', value: 100 * (1 - total.failures / total.requests) };
    return { name: metric.name, result: 'value', value: histogramQuantile(0.99, total.buckets) };
  });
  const verdicts = judgeMetrics(metrics, observed);
  if (verdicts.some((v) => v.verdict === 'no-data')) return 'no-data';
  return verdicts.every((v) => v.verdict === 'pass') ? 'pass' : 'check';
}

function intervalCounts(interval: { canary: SideSlot; primary: SideSlot }, boundaryMs: number | undefined): Record<string, IntervalCounts> {
  const counts: Record<string, IntervalCounts> = {
    'request-success-rate': { canaryRequests: interval.canary.requests, primaryRequests: interval.primary.requests, canaryEvents: interval.canary.failures, primaryEvents: interval.primary.failures },
  };
  if (boundaryMs !== undefined) {
    const fastBuckets = BOUNDARIES.findIndex((le) => le === boundaryMs) + 1;
    const slow = (side: SideSlot) => side.requests - side.buckets.slice(0, fastBuckets).reduce((sum, n) => sum + n, 0);
    counts['request-duration'] = { canaryRequests: interval.canary.requests, primaryRequests: interval.primary.requests, canaryEvents: slow(interval.canary), primaryEvents: slow(interval.primary) };
  }
  return counts;
}

// Prometheus' histogram_quantile: linear interpolation inside the bucket holding the rank.
function histogramQuantile(quantile: number, perBucket: number[]): number {
  const total = perBucket.reduce((sum, n) => sum + n, 0);
  const rank = quantile * total;
  let cumulative = 0;
  for (let i = 0; i < perBucket.length; i++) {
    const below = cumulative;
    cumulative += perBucket[i];
    if (cumulative >= rank) {
      if (BOUNDARIES[i] === Infinity) return BOUNDARIES[i - 1];
      const lower = i === 0 ? 0 : BOUNDARIES[i - 1];
      return lower + (BOUNDARIES[i] - lower) * ((rank - below) / perBucket[i]);
    }
  }
  return BOUNDARIES[BOUNDARIES.length - 2];
}

function emptySide(): SideSlot {
  return { requests: 0, failures: 0, buckets: new Array<number>(BOUNDARIES.length).fill(0) };
}

function add(into: SideSlot, from: SideSlot): void {
  into.requests += from.requests;
  into.failures += from.failures;
  for (let i = 0; i < from.buckets.length; i++) into.buckets[i] += from.buckets[i];
}
