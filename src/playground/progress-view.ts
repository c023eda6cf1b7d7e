/**
 * One Canary's progress as a single readable line: phase, a weight bar (under A/B, which requests the
 * canary gets), the step or iteration, each metric against its threshold from `status.lastAnalysis`,
 * failed checks, and what a gate is waiting for. Pure: the same Canary always renders the same line,
 * so the view is easy to test and to diff.
 */
import type { Canary } from '../api/canary.ts';
import type { AnalysisResult } from '../api/canary-status.ts';
import { describeMatches } from '../api/match-description.ts';
import { formatMetricValue, formatThresholdRange } from '../text/metric-value.ts';
import { weightBar } from '../text/weight-bar.ts';
import { strategyOf, weightSequence } from '../engine/strategy.ts';

const LABELS: Record<string, string> = { 'request-success-rate': 'success', 'request-duration': 'p99' };

/** The progress line of one Canary; `splitWeight` is the TrafficSplit's canary weight when known. */
export function progressLine(canary: Canary, splitWeight?: number): string {
  const status = canary.status ?? {};
  const analysis = canary.spec.analysis;
  const phase = status.phase || 'New';
  const weight = splitWeight ?? status.canaryWeight ?? 0;
  const parts = [`${(canary.metadata.name ?? '').padEnd(9)} ${phase.padEnd(16)} ${trafficText(canary, weight)}`];
  if (['Progressing', 'WaitingPromotion', 'Promoting'].includes(phase)) parts.push(stepText(canary, weight));
  const metrics = (status.lastAnalysis ?? []).map(metricText);
  if (metrics.length > 0 && phase !== 'Succeeded' && phase !== 'Initialized') parts.push(metrics.join('  '));
  parts.push(`failed checks ${status.failedChecks ?? 0}/${analysis.threshold ?? 1}`);
  const gate = gateText(canary);
  if (gate) parts.push(gate);
  if (phase === 'Failed' && status.failureReason) parts.push(`reason ${status.failureReason}`);
  return parts.join('  ');
}

/** What changes the plain (non-TTY) output prints a new line for: a phase, weight, check or analysis tick. */
export function progressKey(canary: Canary, splitWeight?: number): string {
  const s = canary.status ?? {};
  return [s.phase, splitWeight ?? s.canaryWeight, s.failedChecks, s.iterations, s.lastAnalysisTime].join('|');
}

// Under A/B the route sends matching requests only, all of them, to the canary: a bar at 100% would
// say every user is on the new version.
function trafficText(canary: Canary, weight: number): string {
  if (strategyOf(canary.spec.analysis) === 'ab-testing' && weight > 0) return `A/B: requests with ${describeMatches(canary.spec.analysis.match)} → canary`;
  return `${weightBar(weight)} ${String(weight).padStart(3)}%`;
}

function stepText(canary: Canary, weight: number): string {
  const analysis = canary.spec.analysis;
  if (strategyOf(analysis) !== 'canary') return `iteration ${canary.status?.iterations ?? 0}/${analysis.iterations ?? 1}`;
  const steps = weightSequence(analysis).slice(1);
  return `step ${steps.filter((step) => step <= weight).length}/${steps.length}`;
}

function metricText(result: AnalysisResult): string {
  const label = LABELS[result.metric] ?? result.metric;
  const bound = formatThresholdRange(result.metric, result.thresholdRange);
  if (result.result === 'no-data') return `${label} no data ✗`;
  if (result.result === 'error') return `${label} error ✗`;
  const value = result.value === undefined ? '?' : formatMetricValue(result.metric, result.value);
  return `${label} ${value}${bound ? ` (${bound})` : ''} ${result.result === 'pass' ? '✓' : '✗'}`;
}

// A gate holds the run in these phases; the status says which, the Canary's webhooks say who decides.
function gateText(canary: Canary): string | undefined {
  const phase = canary.status?.phase;
  const names = (type: string) => (canary.spec.analysis.webhooks ?? []).filter((hook) => hook.type === type).map((hook) => hook.name).join(', ');
  if (phase === 'Waiting') return `⏸ waiting for approval to start (confirm-rollout ${names('confirm-rollout')})`.trimEnd();
  if (phase === 'WaitingPromotion') return `⏸ waiting for approval to promote (confirm-promotion ${names('confirm-promotion')})`.trimEnd();
  if (canary.status?.paused) return `⏸ paused by ${canary.status.paused.by}`;
  return undefined;
}
