/**
 * The judge's accumulated evidence: a small plain object, stored in the Canary's status so that a
 * controller restart keeps it. Per metric it holds the log-likelihood of every grid ratio relative to
 * the tolerated one (161 numbers, about 3 KB of JSON) and a few totals for people; its size does not
 * grow with the length of the run. The grid behind the numbers is fixed by the version.
 */
import type { IntervalCounts, IntervalObservation } from './interval-counts.ts';
import { countsProblems, isInformative } from './interval-counts.ts';
import type { JudgeConfig, JudgedKind, ResolvedJudgeConfig } from './judge-config.ts';
import { resolveJudgeConfig } from './judge-config.ts';
import { JudgeInputError } from './judge-input-error.ts';
import { addInterval } from './likelihood.ts';
import { GRID_POINTS } from './ratio-grid.ts';

/** Bumped whenever the grid or the meaning of a field changes; an older state is then started afresh. */
export const JUDGE_STATE_VERSION = 1;

/** One metric's evidence so far. */
export interface MetricEvidenceState {
  name: string;
  kind: JudgedKind;
  /** The tolerated ratio r0 = 1 + maxIncrease the grid is centred on. */
  tolerated: number;
  /** Latency only: the bucket boundary in ms that makes a request slow. */
  boundaryMs?: number;
  /** ln L(r) − ln L(r0) at each grid ratio r0·e^(0.05·(i − 80)), i = 0 … 160. */
  logLikelihood: number[];
  /** Analysis intervals judged, with or without data. */
  intervals: number;
  /** Intervals that moved the evidence: both sides served requests and something failed (or was slow). */
  informativeIntervals: number;
  canaryRequests: number;
  primaryRequests: number;
  canaryEvents: number;
  primaryEvents: number;
}

/** Everything the judge remembers across intervals and restarts; JSON-serialisable as it is. */
export interface JudgeState {
  version: typeof JUDGE_STATE_VERSION;
  metrics: MetricEvidenceState[];
}

/** Evidence before the first interval: nothing known about any metric. */
export function initialState(config: JudgeConfig): JudgeState {
  const resolved = resolveJudgeConfig(config);
  return {
    version: JUDGE_STATE_VERSION,
    metrics: resolved.metrics.map((metric) => ({
      name: metric.name,
      kind: metric.kind,
      tolerated: 1 + metric.maxIncrease,
      ...(metric.boundaryMs === undefined ? {} : { boundaryMs: metric.boundaryMs }),
      logLikelihood: new Array<number>(GRID_POINTS).fill(0),
      intervals: 0,
      informativeIntervals: 0,
      canaryRequests: 0,
      primaryRequests: 0,
      canaryEvents: 0,
      primaryEvents: 0,
    })),
  };
}

/**
 * Adds one analysis interval. A metric without counts, or with counts that cannot compare the two
 * sides (no requests on one side, nothing failed), leaves its evidence as it was: no data is never
 * evidence of health. Throws a JudgeInputError for impossible counts or an unknown metric name.
 */
export function update(state: JudgeState, observation: IntervalObservation): JudgeState {
  const known = new Set(state.metrics.map((metric) => metric.name));
  for (const name of Object.keys(observation.metrics)) {
    if (!known.has(name)) throw new JudgeInputError(`observation.metrics.${name}`, name, `is not a judged metric (judged: ${[...known].join(', ')})`);
  }
  return {
    version: state.version,
    metrics: state.metrics.map((metric) => {
      const counts = observation.metrics[metric.name];
      if (counts === undefined) return { ...metric, intervals: metric.intervals + 1 };
      const problems = countsProblems(counts, `observation.metrics.${metric.name}`);
      if (problems.length > 0) throw problems[0];
      return withInterval(metric, counts);
    }),
  };
}

function withInterval(metric: MetricEvidenceState, counts: IntervalCounts): MetricEvidenceState {
  const informative = isInformative(counts);
  return {
    ...metric,
    logLikelihood: informative ? addInterval(metric.logLikelihood, counts, metric.tolerated) : metric.logLikelihood.slice(),
    intervals: metric.intervals + 1,
    informativeIntervals: metric.informativeIntervals + (informative ? 1 : 0),
    canaryRequests: metric.canaryRequests + counts.canaryRequests,
    primaryRequests: metric.primaryRequests + counts.primaryRequests,
    canaryEvents: metric.canaryEvents + counts.canaryEvents,
    primaryEvents: metric.primaryEvents + counts.primaryEvents,
  };
}

/**
 * Why a stored state cannot be used with this configuration (another metric set, another tolerated
 * ratio or boundary): its evidence is about other hypotheses. Empty when it fits. The caller starts
 * from `initialState` when it is not empty.
 */
export function stateMismatches(state: JudgeState, config: JudgeConfig): string[] {
  return mismatchesWith(state, resolveJudgeConfig(config));
}

/** `stateMismatches` for a configuration already resolved. */
export function mismatchesWith(state: JudgeState, resolved: ResolvedJudgeConfig): string[] {
  const reasons: string[] = [];
  if (state.version !== JUDGE_STATE_VERSION) reasons.push(`state version ${state.version} is not ${JUDGE_STATE_VERSION}`);
  const stored = new Map(state.metrics.map((metric) => [metric.name, metric]));
  for (const metric of resolved.metrics) {
    const evidence = stored.get(metric.name);
    if (evidence === undefined) {
      reasons.push(`${metric.name} has no evidence yet`);
      continue;
    }
    stored.delete(metric.name);
    if (evidence.kind !== metric.kind) reasons.push(`${metric.name} was judged as ${evidence.kind}, now ${metric.kind}`);
    if (Math.abs(evidence.tolerated - (1 + metric.maxIncrease)) > 1e-12) reasons.push(`${metric.name} tolerated ${evidence.tolerated}×, now ${1 + metric.maxIncrease}×`);
    if (evidence.boundaryMs !== metric.boundaryMs) reasons.push(`${metric.name} boundary ${evidence.boundaryMs} ms, now ${metric.boundaryMs} ms`);
  }
  for (const name of stored.keys()) reasons.push(`${name} is no longer compared`);
  return reasons;
}

/**
 * The stored state fitted to a configuration metric by metric: evidence of a metric still judged the
 * same way (kind, tolerated ratio, boundary) is kept; a metric new to the configuration, or judged
 * differently now, starts afresh, and one no longer judged is dropped. Each metric's evidence is its own
 * e-process, so an average of ones that started at different times is still an e-value. `restarted`
 * names the metrics whose stored evidence was dropped because they are judged differently now.
 */
export function alignedState(stored: JudgeState | undefined, config: JudgeConfig): { state: JudgeState; restarted: string[] } {
  const resolved = resolveJudgeConfig(config);
  const fresh = initialState(config);
  const byName = new Map((stored?.version === JUDGE_STATE_VERSION ? stored.metrics : []).map((metric) => [metric.name, metric]));
  const restarted: string[] = [];
  const metrics = resolved.metrics.map((metric, i) => {
    const kept = byName.get(metric.name);
    if (kept === undefined) return fresh.metrics[i];
    const same = kept.kind === metric.kind && Math.abs(kept.tolerated - (1 + metric.maxIncrease)) <= 1e-12 && kept.boundaryMs === metric.boundaryMs;
    if (!same) restarted.push(metric.name);
    return same ? kept : fresh.metrics[i];
  });
  return { state: { version: JUDGE_STATE_VERSION, metrics }, restarted };
}
