import type { AnalysisResult } from '../../api/canary-status.ts';
import { eventReasonOf, strongestEvidence, describeComparison } from '../judge/index.ts';
import type { MetricVerdict } from '../judge.ts';
import { isWorkloadReady } from '../readiness.ts';
import type { Tick } from '../tick.ts';
import { comparisonPlan, comparisonRequests, judgeDueTime, judgeInterval, type ComparisonPlan, type JudgedInterval } from './comparison.ts';
import { rollback } from './promotion.ts';

/**
 * What the judge's conclusions do to a run: its evidence goes into the status, a canary shown worse
 * than tolerated is rolled back at once (the evidence already accounts for every look, so no
 * `threshold` of failed checks applies to it), and the baseline lives exactly as long as the analysis.
 */

/** Judges a step's interval once its counts are in the observation, and keeps the evidence in the status. */
export function judgePlanned(tick: Tick, plan: ComparisonPlan): JudgedInterval {
  const judged = judgeInterval(tick, plan);
  keepEvidence(tick, judged, plan.storedProblem);
  return judged;
}

/**
 * Between analysis steps, when `analysis.judge.interval` is shorter than the analysis interval: counts
 * and judges the interval since the last look, and rolls back a canary shown worse. Steps, thresholds
 * and failed checks stay with the analysis interval.
 */
export function judgeBetweenSteps(tick: Tick, trafficFlows: boolean): void {
  const due = judgeDueTime(tick.status, tick.analysis);
  if (due === undefined || tick.observation.now < due || !tick.status.preRolloutPassed || !trafficFlows || tick.canary.spec.skipAnalysis) return;
  const plan = comparisonPlan(tick);
  if (plan === undefined) return;
  tick.answers([], false, comparisonRequests(tick, plan));
  const judged = judgePlanned(tick, plan);
  const comparisons = judged.comparisons;
  if (tick.status.lastAnalysis !== undefined) {
    tick.status.lastAnalysis = tick.status.lastAnalysis.map((entry) => (comparisons[entry.metric] === undefined ? entry : { ...entry, comparison: comparisons[entry.metric] }));
  }
  if (judged.verdict?.decision === 'rollback') rollbackOnEvidence(tick, judged);
}

/** Rolls back a canary the judge has shown worse than tolerated, saying how much worse in words. */
export function rollbackOnEvidence(tick: Tick, judged: JudgedInterval): void {
  const verdict = judged.verdict;
  if (verdict === undefined) return;
  const strongest = strongestEvidence(verdict);
  const prefix = verdict.metrics.length > 1 ? `${strongest.name}: ` : '';
  const words = `${prefix}${describeComparison(strongest, verdict.confidence, judged.against)}`;
  rollback(tick, eventReasonOf('rollback', judged.against), words, 'rollback', { reason: words, metric: { name: strongest.name } });
}

/** The `lastAnalysis` entries of the compared metrics that have no threshold, and the evidence of those that do. */
export function comparedResults(judged: JudgedInterval | undefined, thresholdResults: AnalysisResult[], now: string): AnalysisResult[] {
  if (judged === undefined) return thresholdResults;
  const withComparison = thresholdResults.map((entry) => (judged.comparisons[entry.metric] === undefined ? entry : { ...entry, comparison: judged.comparisons[entry.metric] }));
  const checked = new Set(thresholdResults.map((entry) => entry.metric));
  const comparedOnly = judged.checks
    .filter((check) => !checked.has(check.name))
    .map((check): AnalysisResult => ({
      metric: check.name,
      result: check.verdict,
      ...(check.reason === undefined ? {} : { reason: check.reason }),
      time: now,
      ...(judged.comparisons[check.name] === undefined ? {} : { comparison: judged.comparisons[check.name] }),
    }));
  return [...withComparison, ...comparedOnly];
}

/** The compared metrics' checks that count as failed checks: nothing to compare on the canary's side, or an error. */
export function failedComparisons(judged: JudgedInterval | undefined): MetricVerdict[] {
  return (judged?.checks ?? []).filter((check) => check.verdict === 'no-data' || check.verdict === 'error');
}

/**
 * The checks the run history records for this step: the threshold checks, and each compared metric with
 * its interval (estimate and bounds, and the tolerated ratio as the bar it is held to) when both ends
 * are known.
 */
export function historyVerdicts(verdicts: MetricVerdict[], judged: JudgedInterval | undefined): MetricVerdict[] {
  if (judged === undefined) return verdicts;
  const withInterval = (verdict: MetricVerdict): MetricVerdict => {
    const c = judged.comparisons[verdict.name];
    if (c?.estimate === undefined || c.lower === undefined || c.upper === undefined) return verdict;
    return { ...verdict, interval: { estimate: c.estimate, lower: c.lower, upper: c.upper, bar: c.tolerated } };
  };
  const checked = new Set(verdicts.map((v) => v.name));
  return [...verdicts, ...judged.checks.filter((check) => !checked.has(check.name))].map(withInterval);
}

/** The judge's words for an Advance or Promoting Event, after the threshold checks' own. */
export function judgeEvidence(judged: JudgedInterval | undefined): string[] {
  return judged?.status.message === undefined ? [] : [judged.status.message];
}

/** The baseline: kept at the canary's size while the analysis runs, removed when it is switched off. */
export function keepBaseline(tick: Tick): void {
  if (tick.analysis.baseline === true && tick.strategy === 'canary') tick.actions.push({ type: 'ensureBaseline' });
  else if (tick.observation.baseline?.exists === true) tick.actions.push({ type: 'removeBaseline' });
}

/** True when the run compares with a baseline and it is not ready yet. */
export function baselineNotReady(tick: Tick): boolean {
  if (tick.analysis.baseline !== true || tick.strategy !== 'canary') return false;
  return !isWorkloadReady(tick.observation.baseline, tick.settings.canaryReadyThreshold);
}

function keepEvidence(tick: Tick, judged: JudgedInterval, storedProblem: string | undefined): void {
  tick.status.judge = judged.status;
  if (storedProblem !== undefined) tick.event('Warning', 'JudgeEvidenceReset', `The judge's stored evidence of ${tick.label} could not be read (${storedProblem}); comparing afresh`);
  if (judged.restarted.length > 0) {
    tick.event('Normal', 'JudgeEvidenceReset', `${judged.restarted.join(', ')} of ${tick.label}: compared differently since the spec changed; its evidence starts afresh`);
  }
}
