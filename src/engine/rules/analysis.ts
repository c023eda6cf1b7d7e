import type { NotificationFacts } from '../actions.ts';
import { hasThresholds, judgeMetrics, type MetricVerdict } from '../judge.ts';
import { isWorkloadReady } from '../readiness.ts';
import type { TargetObservation } from '../observation.ts';
import { isInRolloutWindow } from '../rollout-window.ts';
import { maxWeightOf, nextCanaryWeight, runWeights, weightsFor } from '../strategy.ts';
import type { Tick } from '../tick.ts';
import { comparisonPlan, comparisonRequests, type JudgedInterval } from './comparison.ts';
import {
  baselineNotReady,
  comparedResults,
  failedComparisons,
  historyVerdicts,
  judgeBetweenSteps,
  judgeEvidence,
  judgePlanned,
  keepBaseline,
  rollbackOnEvidence,
} from './judging.ts';
import { mirrorStep, startMirroring, stopMirroring } from './mirroring.ts';
import { rollback, startPromotion } from './promotion.ts';

/**
 * The analysis of a running revision, one interval at a time: rollback hooks, pre-rollout and rollout
 * gates, metric checks, the judge's comparison with the primary (judging.ts), failed checks against the
 * threshold, and the next step (a weight, an iteration, or the promotion gate).
 */

/** Progressing / WaitingPromotion: one analysis step when the canary is ready and an interval is due. */
export function analyse(tick: Tick, target: TargetObservation): void {
  if (tick.status.paused !== undefined) return;
  if (!isWorkloadReady(target, tick.settings.canaryReadyThreshold)) {
    if (tick.waitFor()) {
      rollback(tick, 'ProgressDeadlineExceeded', `canary deployment ${tick.canary.spec.targetRef.name} not ready after ${tick.deadlineSeconds()}s`, 'progress-deadline');
    }
    return;
  }
  if (baselineNotReady(tick)) {
    keepBaseline(tick);
    if (tick.waitFor()) {
      rollback(tick, 'ProgressDeadlineExceeded', `baseline deployment ${tick.canary.spec.targetRef.name}-baseline not ready after ${tick.deadlineSeconds()}s`, 'progress-deadline');
    }
    return;
  }
  tick.status.waitingSince = undefined;
  if (!tick.analysisDue()) return judgeBetweenSteps(tick, trafficFlows(tick));
  if (tick.canary.spec.skipAnalysis || tick.status.manualPromotion === 'full') {
    const why = tick.canary.spec.skipAnalysis ? 'skipAnalysis is set' : 'full promotion requested';
    tick.status.manualPromotion = undefined;
    tick.status.lastAnalysisTime = tick.now;
    return startPromotion(tick, `Promoting ${tick.label} without analysis: ${why}`);
  }
  const firstTick = !tick.status.preRolloutPassed;
  const checkMetrics = !firstTick && trafficFlows(tick) && (tick.analysis.metrics ?? []).length > 0;
  const thresholdMetrics = (tick.analysis.metrics ?? []).filter((metric) => metric.compare === undefined || hasThresholds(metric));
  const plan = checkMetrics ? comparisonPlan(tick) : undefined;
  const gates = tick.answers(['rollback', firstTick ? 'pre-rollout' : 'rollout'], checkMetrics && thresholdMetrics.length > 0, plan === undefined ? {} : comparisonRequests(tick, plan));
  keepBaseline(tick);
  tick.status.lastAnalysisTime = tick.now;

  const rollbackAsked = (gates.rollback ?? []).find((answer) => answer.ok);
  if (rollbackAsked) return rollback(tick, 'RollbackHook', `rollback hook ${rollbackAsked.name} asked to roll back`, 'rollback');

  if (firstTick) {
    const pre = tick.gateOpen('pre-rollout');
    if (!pre.open) return failedCheck(tick, `pre-rollout hook failed: ${pre.reasons.join('; ')}`);
    tick.status.preRolloutPassed = true;
    if (tick.strategy === 'ab-testing') {
      tick.actions.push({ type: 'setRouteMatches', matches: tick.analysis.match ?? [] }, { type: 'setWeights', weights: weightsFor(100) });
    }
    if (tick.strategy === 'blue-green') startMirroring(tick);
    if (tick.strategy !== 'canary') return;
    return advance(tick, []);
  }
  // A person may edit analysis.match mid-run; the route follows at the next tick (the router writes only a difference).
  if (tick.strategy === 'ab-testing') tick.actions.push({ type: 'setRouteMatches', matches: tick.analysis.match ?? [] });
  const rolloutGate = tick.gateOpen('rollout');
  if (!rolloutGate.open) return failedCheck(tick, `rollout hook failed: ${rolloutGate.reasons.join('; ')}`);
  let verdicts: MetricVerdict[] = [];
  let judged: JudgedInterval | undefined;
  if (checkMetrics) {
    verdicts = judgeMetrics(thresholdMetrics, tick.observation.metrics ?? []);
    judged = plan === undefined ? undefined : judgePlanned(tick, plan);
    tick.verdicts = historyVerdicts(verdicts, judged);
    recordVerdicts(tick, verdicts, judged);
    if (judged?.verdict?.decision === 'rollback') return rollbackOnEvidence(tick, judged);
    const bad = [...verdicts.filter((v) => v.verdict !== 'pass'), ...failedComparisons(judged)];
    if (bad.length > 0) return failedMetrics(tick, bad);
    if (judged?.verdict?.decision === 'promote') return promotionGate(tick, `: ${judgeEvidence(judged).join(', ')}`);
  }
  advance(tick, verdicts, judged);
}

/** Whether the canary receives traffic to measure: at weight 0 a canary strategy has none yet, unless mirrored. */
function trafficFlows(tick: Tick): boolean {
  return tick.strategy !== 'canary' || (tick.status.canaryWeight ?? 0) > 0 || tick.status.trafficMirrored === true;
}

function recordVerdicts(tick: Tick, verdicts: MetricVerdict[], judged: JudgedInterval | undefined): void {
  const errors = [...verdicts, ...failedComparisons(judged)].filter((v) => v.verdict === 'error' && v.errorReason !== undefined);
  // Reasons already named for metrics (MetricsApiNotServed) keep their name instead of becoming MetricsMetrics….
  const reason = (r: string) => (r.startsWith('Metrics') ? r : `Metrics${r}`);
  tick.metricsProblem = errors.length > 0 ? { reason: reason(errors[0].errorReason ?? ''), message: errors[0].explanation } : null;
  const thresholdResults = verdicts.map((v) => ({
    metric: v.name,
    value: v.value,
    thresholdRange: v.min === undefined && v.max === undefined ? undefined : { min: v.min, max: v.max },
    result: v.verdict,
    reason: v.reason,
    time: tick.now,
  }));
  tick.status.lastAnalysis = comparedResults(judged, thresholdResults, tick.now);
}

function failedMetrics(tick: Tick, bad: MetricVerdict[]): void {
  const noData = bad.filter((v) => v.verdict === 'no-data');
  const message = noData.length === bad.length ? noTrafficMessage(noData) : bad.map((v) => v.explanation).join(', ');
  const first = bad[0];
  failedCheck(tick, message, noData.length > 0 ? 'NoTraffic' : 'FailedCheck', {
    metric: { name: first.name, value: first.value, min: first.min, max: first.max },
  });
}

/** "no traffic to judge request-success-rate and request-duration: zero requests to …": each reason once. */
function noTrafficMessage(noData: MetricVerdict[]): string {
  const names = noData.map((v) => v.name);
  const judged = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0];
  return `no traffic to judge ${judged}: ${[...new Set(noData.map((v) => v.reason ?? 'no data'))].join('; ')}`;
}

/** One more failed check; at the threshold the run is rolled back. */
function failedCheck(tick: Tick, message: string, reason = 'FailedCheck', facts: NotificationFacts = {}): void {
  const failed = (tick.status.failedChecks ?? 0) + 1;
  const threshold = tick.settings.threshold;
  tick.status.failedChecks = failed;
  tick.event('Warning', reason, `Halt advancement of ${tick.label}: ${message} (failed checks ${failed}/${threshold})`);
  if (failed >= threshold) {
    rollback(tick, 'FailedChecks', `failed checks threshold reached (${failed}/${threshold}): ${message}`, 'rollback', { ...facts, reason: message });
  }
}

/** A passed check: the next weight (canary) or iteration (blue/green, A/B), or the promotion gate. */
function advance(tick: Tick, verdicts: MetricVerdict[], judged?: JudgedInterval): void {
  if (!isInRolloutWindow(tick.analysis.window, tick.observation.now)) {
    tick.event('Normal', 'OutsideWindow', `Halt advancement of ${tick.label}: outside the rollout window (${tick.analysis.window?.schedules.join(' | ')})`);
    return;
  }
  const explained = [...verdicts.map((v) => v.explanation), ...judgeEvidence(judged)];
  const evidence = explained.length > 0 ? `: ${explained.join(', ')}` : '';
  if (tick.strategy === 'canary') {
    const current = tick.status.canaryWeight ?? 0;
    if (current >= maxWeightOf(tick.analysis)) return promotionGate(tick, evidence);
    const gate = tick.gateOpen('confirm-traffic-increase');
    if (!gate.open && !tick.consumeManualPromotion()) {
      tick.event('Normal', 'WaitingApproval', `Halt advancement of ${tick.label} at weight ${current}: waiting for traffic increase approval (${gate.reasons.join('; ')})`);
      tick.status.trafficIncreaseWaitingSince ??= tick.now;
      return;
    }
    tick.status.trafficIncreaseWaitingSince = undefined;
    if (mirrorStep(tick, current)) return;
    const next = nextCanaryWeight(tick.analysis, current);
    tick.actions.push({ type: 'setWeights', weights: runWeights(tick.analysis, next) });
    tick.status.canaryWeight = next;
    tick.event('Normal', 'Advance', `Advance ${tick.label} canary weight ${current} → ${next}${evidence}`);
    return;
  }
  const total = tick.analysis.iterations ?? 1;
  const done = (tick.status.iterations ?? 0) + 1;
  if (done > total) return promotionGate(tick, evidence);
  tick.status.iterations = done;
  tick.event('Normal', 'Advance', `Advance ${tick.label} iteration ${done}/${total}${evidence}`);
  if (done >= total) promotionGate(tick, '');
}

/** At the last step: the confirm-promotion gate, then (blue/green: all traffic to the canary) promotion. */
function promotionGate(tick: Tick, evidence: string): void {
  const gate = tick.gateOpen('confirm-promotion');
  if (!gate.open && !tick.consumeManualPromotion()) {
    if (tick.phase !== 'WaitingPromotion') {
      tick.move('AWAIT_PROMOTION');
      tick.event('Normal', 'WaitingPromotion', `Halt ${tick.label} promotion: waiting for approval (${gate.reasons.join('; ')})`);
      if (!gate.muted) tick.notify('waiting-approval', 'warn', `${tick.label} is waiting for promotion approval`);
    }
    return;
  }
  if (tick.strategy === 'blue-green' && tick.observation.router.routesTraffic !== false) {
    // Flagger's blue/green switch on a mesh: users move to the tested canary at once, so none of
    // them sees a mix of old and new primary pods while the primary rolls out the new spec.
    stopMirroring(tick);
    tick.actions.push({ type: 'setWeights', weights: weightsFor(100) });
    tick.status.canaryWeight = 100;
    tick.event('Normal', 'Promoting', `Routing all traffic to ${tick.label} canary`);
  }
  startPromotion(tick, `Copying ${tick.label} template spec to the primary${evidence}`);
}
