import type { CanaryAnalysis, CanaryMetric } from '../../api/canary.ts';
import type { CanaryStatus } from '../../api/canary-status.ts';
import {
  comparedMetrics,
  comparisonKind,
  comparisonReference,
  compareSettings,
  judgeTiming,
  type ComparisonKind,
  type ComparisonReference,
} from '../../api/compare-settings.ts';
import type { JudgeStatus, MetricComparison } from '../../api/judge-status.ts';
import {
  alignedState,
  countsProblems,
  describeMetric,
  describeVerdict,
  JudgeInputError,
  parseJudgeState,
  slowBoundary,
  slowRequestCounts,
  update,
  verdict as judgeVerdict,
  type IntervalCounts,
  type JudgeConfig,
  type JudgeState,
  type JudgeVerdict,
} from '../judge/index.ts';
import type { MetricVerdict } from '../judge.ts';
import type { ComparisonObservation, ComparisonRequest } from '../observation.ts';
import type { Tick } from '../tick.ts';

/**
 * The judge inside the rules: which interval to count, what to ask the shell for, and what the counts
 * mean once they arrive. Each judged interval starts where the last one ended (`status.judge`), so no
 * request is counted twice and the evidence, kept in the status, survives a restart.
 */

/** How far back before the run the primary's latency histogram is read to choose the slow-request boundary. */
export const BOUNDARY_WINDOW_MS = 10 * 60_000;

interface ComparedMetric {
  metric: CanaryMetric;
  name: string;
  kind: ComparisonKind;
  maxIncrease: number;
  confidence: number;
}

/** One judged interval before its counts arrive: what is compared, against whom, over which time. */
export interface ComparisonPlan {
  compared: ComparedMetric[];
  against: ComparisonReference;
  from: number;
  to: number;
  startTime: number;
  /** The whole interval lies in the warm-up: nothing is counted, the interval only moves on. */
  warmingUp: boolean;
  stored: JudgeState | undefined;
  /** Why a stored state could not be read (it is then started afresh). */
  storedProblem?: string;
}

/** The judged interval's plan, or undefined when the analysis compares no metric. */
export function comparisonPlan(tick: Tick): ComparisonPlan | undefined {
  const compared = comparedMetrics(tick.analysis).map((metric) => ({ metric, name: metric.name, kind: comparisonKind(metric), ...compareSettings(metric.compare) }));
  if (compared.length === 0) return undefined;
  const against = comparisonReference(tick.analysis);
  const previous = tick.status.judge?.against === against ? tick.status.judge : undefined;
  const to = tick.observation.now;
  const lastStep = tick.status.lastAnalysisTime === undefined ? undefined : Date.parse(tick.status.lastAnalysisTime);
  const since = previous !== undefined ? Date.parse(previous.lastObservedTime) : (lastStep ?? to - tick.settings.interval.milliseconds);
  const startTime = previous !== undefined ? Date.parse(previous.startTime) : since;
  const warmupEnd = startTime + judgeTiming(tick.analysis).warmupMilliseconds;
  const { stored, problem } = readStoredState(previous);
  return {
    compared,
    against,
    from: Math.max(since, warmupEnd),
    to,
    startTime,
    warmingUp: to <= warmupEnd || since >= to,
    stored,
    ...(problem === undefined ? {} : { storedProblem: problem }),
  };
}

/** What to ask the shell to count this interval, by metric name: nothing during the warm-up. */
export function comparisonRequests(tick: Tick, plan: ComparisonPlan): Record<string, ComparisonRequest> {
  if (plan.warmingUp) return {};
  const runStart = tick.status.runStartTime === undefined ? plan.startTime : Date.parse(tick.status.runStartTime);
  const requests: Record<string, ComparisonRequest> = {};
  for (const compared of plan.compared) {
    const needsBoundary = compared.kind === 'latency' && storedBoundary(plan.stored, compared.name) === undefined;
    requests[compared.name] = {
      from: plan.from,
      to: plan.to,
      against: plan.against,
      kind: compared.kind,
      ...(needsBoundary ? { boundaryWindow: { from: runStart - BOUNDARY_WINDOW_MS, to: runStart } } : {}),
    };
  }
  return requests;
}

/** The judge's conclusion after one interval: the verdict, each metric's check and evidence, the status to keep. */
export interface JudgedInterval {
  against: ComparisonReference;
  /** Undefined while no metric can be judged yet (warm-up, no latency boundary chosen). */
  verdict?: JudgeVerdict;
  /** One per compared metric: pass, or why it could not be compared this interval (no data, error). */
  checks: MetricVerdict[];
  /** Each judged metric's evidence for `status.lastAnalysis[].comparison`. */
  comparisons: Record<string, MetricComparison>;
  status: JudgeStatus;
  /** Metrics whose evidence started afresh because they are judged differently now, and why. */
  restarted: string[];
}

/** Adds the interval's counts (from the observation) to the stored evidence and judges. */
export function judgeInterval(tick: Tick, plan: ComparisonPlan): JudgedInterval {
  const observations = tick.observation.comparisons ?? {};
  const checks: MetricVerdict[] = [];
  const counted: Record<string, IntervalCounts> = {};
  const boundaries: Record<string, number> = {};
  for (const compared of plan.compared) {
    const boundary = storedBoundary(plan.stored, compared.name);
    if (boundary !== undefined) boundaries[compared.name] = boundary;
    if (plan.warmingUp) continue;
    const read = readCounts(compared, observations[compared.name], boundary);
    if (read.boundaryMs !== undefined) boundaries[compared.name] = read.boundaryMs;
    if (read.check !== undefined) checks.push(read.check);
    if (read.counts !== undefined) counted[compared.name] = read.counts;
  }
  const config: JudgeConfig = {
    confidence: Math.max(...plan.compared.map((c) => c.confidence)),
    earlyPromotion: judgeTiming(tick.analysis).earlyPromotion,
    metrics: plan.compared
      .filter((c) => c.kind === 'failures' || boundaries[c.name] !== undefined)
      .map((c) => ({ name: c.name, kind: c.kind, maxIncrease: c.maxIncrease, ...(c.kind === 'latency' ? { boundaryMs: boundaries[c.name] } : {}) })),
  };
  const base = { against: plan.against, startTime: new Date(plan.startTime).toISOString(), lastObservedTime: new Date(plan.to).toISOString() };
  if (config.metrics.length === 0) {
    return { against: plan.against, checks, comparisons: {}, restarted: [], status: { ...base, message: waitingWords(plan, tick) } };
  }
  const aligned = alignedState(plan.stored, config);
  const judgedCounts = Object.fromEntries(config.metrics.flatMap((m) => (counted[m.name] === undefined ? [] : [[m.name, counted[m.name]]])));
  const state = plan.warmingUp ? aligned.state : update(aligned.state, { metrics: judgedCounts });
  const verdict = judgeVerdict(state, config);
  const comparisons: Record<string, MetricComparison> = {};
  for (const evidence of verdict.metrics) {
    comparisons[evidence.name] = {
      against: plan.against,
      tolerated: evidence.tolerated,
      ...(evidence.estimate === undefined ? {} : { estimate: evidence.estimate }),
      ...(evidence.lower === undefined ? {} : { lower: evidence.lower }),
      ...(evidence.upper === undefined ? {} : { upper: evidence.upper }),
      eValue: evidence.eValue,
      bar: evidence.bar,
      outcome: evidence.outcome,
      ...(evidence.boundaryMs === undefined ? {} : { boundaryMs: evidence.boundaryMs }),
      canaryRequests: evidence.canaryRequests,
      referenceRequests: evidence.primaryRequests,
      canaryFailures: evidence.canaryEvents,
      referenceFailures: evidence.primaryEvents,
      message: describeMetric(evidence, verdict.confidence, verdict.decision, plan.against),
    };
  }
  const words = plan.warmingUp ? waitingWords(plan, tick) : describeVerdict(verdict, plan.against);
  return {
    against: plan.against,
    verdict: plan.warmingUp ? undefined : verdict,
    checks: checks.map((check) => withWords(check, comparisons[check.name], verdict)),
    comparisons,
    restarted: aligned.restarted,
    status: { ...base, state, eValue: verdict.eValue, bar: verdict.bar, confidence: verdict.confidence, decision: plan.warmingUp ? 'continue' : verdict.decision, message: words },
  };
}

/** When the judge should look next between analysis steps, or undefined when it only looks at steps. */
export function judgeDueTime(status: CanaryStatus, analysis: CanaryAnalysis): number | undefined {
  const interval = judgeTiming(analysis).intervalMilliseconds;
  if (interval === undefined || comparedMetrics(analysis).length === 0) return undefined;
  if (status.phase !== 'Progressing' && status.phase !== 'WaitingPromotion') return undefined;
  const last = status.judge?.lastObservedTime ?? status.lastAnalysisTime;
  return last === undefined ? undefined : Date.parse(last) + interval;
}

interface ReadCounts {
  counts?: IntervalCounts;
  check?: MetricVerdict;
  boundaryMs?: number;
}

// What one metric's observation says: counts for the judge, a check for the threshold rule, or both.
function readCounts(compared: ComparedMetric, observation: ComparisonObservation | undefined, boundary: number | undefined): ReadCounts {
  const name = compared.name;
  if (observation === undefined) return { check: errorCheck(name, 'not counted') };
  if (observation.result === 'error') return { check: errorCheck(name, observation.reason, observation.errorReason) };
  if (observation.result === 'no-data') return { check: noDataCheck(name, observation.reason) };
  try {
    let counts: IntervalCounts;
    let chosen: number | undefined;
    if (observation.result === 'counts') {
      counts = observation.counts;
    } else {
      chosen = boundary;
      if (chosen === undefined) {
        if (observation.boundaryWindow === undefined) return { check: noDataCheck(name, "no primary histogram before the run to choose the slow-request boundary from") };
        const picked = slowBoundary(observation.boundaryWindow, 0.99, 'primary window');
        if ('problem' in picked) return { check: noDataCheck(name, `latency cannot be compared: ${picked.problem}`) };
        chosen = picked.boundaryMs;
      }
      const slow = slowRequestCounts(chosen, observation.canary, observation.reference);
      if ('noData' in slow) return { boundaryMs: chosen, check: noDataCheck(name, slow.noData) };
      counts = slow.counts;
    }
    const problems = countsProblems(counts, name);
    if (problems.length > 0) return { boundaryMs: chosen, check: errorCheck(name, problems[0].message) };
    if (counts.canaryRequests <= 0) return { boundaryMs: chosen, check: noDataCheck(name, 'the canary served no requests in the interval') };
    return { boundaryMs: chosen, counts, check: { name, verdict: 'pass', explanation: name } };
  } catch (error) {
    if (error instanceof JudgeInputError) return { check: errorCheck(name, error.message) };
    throw error;
  }
}

function withWords(check: MetricVerdict, comparison: MetricComparison | undefined, verdict: JudgeVerdict): MetricVerdict {
  if (check.verdict !== 'pass' || comparison === undefined) return check;
  const worse = verdict.decision === 'rollback' && comparison.outcome === 'worse';
  return { ...check, verdict: worse ? 'fail' : 'pass', explanation: `${check.name}: ${comparison.message}` };
}

function errorCheck(name: string, reason: string, errorReason?: string): MetricVerdict {
  return { name, verdict: 'error', reason, ...(errorReason === undefined ? {} : { errorReason }), explanation: `${name} could not be compared: ${reason}` };
}

function noDataCheck(name: string, reason: string): MetricVerdict {
  return { name, verdict: 'no-data', reason, explanation: `${name} has nothing to compare (${reason})` };
}

function waitingWords(plan: ComparisonPlan, tick: Tick): string {
  if (plan.warmingUp) {
    const until = plan.startTime + judgeTiming(tick.analysis).warmupMilliseconds;
    return `warming up: the canary's traffic is compared with the ${plan.against}'s from ${new Date(until).toISOString()}`;
  }
  return `nothing to compare yet: no slow-request boundary chosen for ${plan.compared.filter((c) => c.kind === 'latency').map((c) => c.name).join(', ')}`;
}

function storedBoundary(state: JudgeState | undefined, name: string): number | undefined {
  return state?.metrics.find((metric) => metric.name === name)?.boundaryMs;
}

function readStoredState(previous: JudgeStatus | undefined): { stored?: JudgeState; problem?: string } {
  if (previous?.state === undefined) return {};
  try {
    return { stored: parseJudgeState(previous.state, 'status.judge.state') };
  } catch (error) {
    if (error instanceof JudgeInputError) return { problem: error.message };
    throw error;
  }
}
