import { formatMetricValue, formatThresholdRange } from '../text/metric-value.ts';
import { weightBar } from '../text/weight-bar.ts';
import type { Canary } from '../api/canary.ts';
import type { AnalysisResult, CanaryCondition, CanaryPhase } from '../api/canary-status.ts';
import { manualRequestsFromAnnotations } from '../api/annotations.ts';
import { describeMatches } from '../api/match-description.ts';
import { failureSentence } from '../engine/failure-reasons.ts';
import { maxWeightOf, runWeights, strategyOf, weightSequence } from '../engine/strategy.ts';
import { judgeLines } from './judge-view.ts';

/**
 * What `kanari status` and `kanari list` print, as plain lines from a Canary and a fixed `now`: no I/O,
 * no clock, so every layout is unit-tested and `--watch` only decides when to print.
 */

const RUN_PHASES: readonly CanaryPhase[] = ['Waiting', 'Progressing', 'WaitingPromotion'];

/** The `kanari status` block for one Canary. */
export function renderCanaryStatus(canary: Canary, now: number): string[] {
  const status = canary.status ?? {};
  const analysis = canary.spec.analysis;
  const name = canary.metadata.name ?? '';
  const namespace = canary.metadata.namespace ?? 'default';
  const phase = status.phase ?? '';
  const strategy = strategyOf(analysis);
  const lines: string[] = [];
  const field = (label: string, value: string) => lines.push(`${`${label}:`.padEnd(15)}${value}`);

  lines.push(`Canary ${name}.${namespace} (${strategy}, target ${canary.spec.targetRef.kind}/${canary.spec.targetRef.name})`);
  const since = status.lastTransitionTime;
  field('Phase', `${phase || 'New (not initialized yet)'}${since ? ` for ${formatAge(now - Date.parse(since))} (since ${since})` : ''}`);
  if (phase === 'Failed' && status.failureReason) field('Failure', `${status.failureReason}: ${failureSentence(status.failureReason)}`);
  if (canary.spec.suspend) field('Suspended', 'spec.suspend is true: nothing moves until it is cleared');

  const weight = status.canaryWeight ?? 0;
  const weights = RUN_PHASES.includes(phase) ? runWeights(analysis, weight) : { canary: weight, primary: 100 - weight };
  // Under A/B the weight applies to matching requests only: "100% canary" would say every user is on it.
  if (strategy === 'ab-testing' && weight > 0) field('Traffic', `A/B: requests with ${describeMatches(analysis.match)} go to the canary, all others to the primary`);
  else field('Weight', `${weightBar(weight)} ${weight}% canary / ${weights.primary}% primary${weights.baseline === undefined ? '' : ` / ${weights.baseline}% baseline`}`);
  if (RUN_PHASES.includes(phase)) field('Step', stepText(canary));
  field('Failed checks', `${status.failedChecks ?? 0}/${analysis.threshold ?? 1} (rolls back at ${analysis.threshold ?? 1})`);

  if (status.paused) {
    field('Paused', `by ${status.paused.by}, ${formatAge(now - Date.parse(status.paused.at))} ago; kanari resume ${name} -n ${namespace} continues`);
  }
  for (const gate of gatesWaiting(canary)) field('Waiting', gate);
  if (status.manualPromotion) {
    field('Promote', status.manualPromotion === 'full' ? 'full promotion pending (rest of the analysis skipped)' : 'pending: opens the next closed gate');
  }
  const handled = status.handledRequests ?? {};
  for (const request of manualRequestsFromAnnotations(canary.metadata.annotations)) {
    if (handled[request.kind] !== request.id) field('Requested', `${request.kind} by ${request.requestedBy}, not yet acted on (${request.id})`);
  }

  const results = status.lastAnalysis ?? [];
  if (results.length > 0) {
    const when = status.lastAnalysisTime ?? results[0].time;
    lines.push(`Last analysis: ${formatAge(now - Date.parse(when))} ago (${when})`);
    lines.push(...indent(table(['METRIC', 'VALUE', 'THRESHOLD', 'RESULT'], results.map(analysisRow))));
  } else {
    lines.push('Last analysis: none yet');
  }
  lines.push(...judgeLines(status, table, indent));

  const conditions = status.conditions ?? [];
  if (conditions.length > 0) {
    lines.push('Conditions:');
    lines.push(...indent(table(['TYPE', 'STATUS', 'REASON', 'AGE', 'MESSAGE'], conditions.map((c) => conditionRow(c, now)))));
  }
  return lines;
}

/** The `kanari list` table: one row per Canary, sorted by namespace then name. */
export function renderCanaryTable(canaries: readonly Canary[], now: number): string[] {
  if (canaries.length === 0) return ['No canaries found.'];
  const sorted = [...canaries].sort(
    (a, b) => (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''),
  );
  return table(
    ['NAMESPACE', 'NAME', 'PHASE', 'WEIGHT', 'FAILED', 'LAST TRANSITION', 'READY'],
    sorted.map((canary) => {
      const status = canary.status ?? {};
      const since = status.lastTransitionTime;
      return [
        canary.metadata.namespace ?? 'default',
        canary.metadata.name ?? '',
        (status.phase ?? '') || 'New',
        // Under A/B the weight applies to matching requests only.
        strategyOf(canary.spec.analysis) === 'ab-testing' && (status.canaryWeight ?? 0) > 0 ? 'A/B' : `${status.canaryWeight ?? 0}`,
        `${status.failedChecks ?? 0}/${canary.spec.analysis.threshold ?? 1}`,
        since ? formatAge(now - Date.parse(since)) : '-',
        status.conditions?.find((c) => c.type === 'Ready')?.status ?? '-',
      ];
    }),
  );
}

/** A duration the way kubectl prints ages: `45s`, `4m30s`, `2h10m`, `3d4h`, coarser as it grows. */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const minutes = Math.floor(seconds / 60);
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  if (seconds < 120) return `${seconds}s`;
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (hours < 3) return `${minutes}m`;
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (days < 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  return `${days}d`;
}

function stepText(canary: Canary): string {
  const analysis = canary.spec.analysis;
  const status = canary.status ?? {};
  if (strategyOf(analysis) !== 'canary') return `iteration ${status.iterations ?? 0} of ${analysis.iterations ?? 1}`;
  const steps = weightSequence(analysis).slice(1);
  const weight = status.canaryWeight ?? 0;
  const reached = steps.filter((step) => step <= weight).length;
  return `step ${reached} of ${steps.length} (weights ${steps.join(', ')}; max ${maxWeightOf(analysis)})`;
}

// Which gate holds the run: the phase says it for confirm-rollout and confirm-promotion; a closed
// confirm-traffic-increase gate is recorded in status while the phase stays Progressing.
function gatesWaiting(canary: Canary): string[] {
  const name = canary.metadata.name ?? '';
  const namespace = canary.metadata.namespace ?? 'default';
  const hooks = (type: string) => (canary.spec.analysis.webhooks ?? []).filter((hook) => hook.type === type).map((hook) => hook.name);
  const described = (type: string) => {
    const names = hooks(type);
    return names.length > 0 ? `${type} webhook ${names.join(', ')}` : `${type} webhook`;
  };
  switch (canary.status?.phase) {
    case 'Waiting':
      return [`new revision waits for approval (${described('confirm-rollout')}); kanari promote ${name} -n ${namespace} starts it`];
    case 'WaitingPromotion':
      return [`promotion waits for approval (${described('confirm-promotion')}); kanari promote ${name} -n ${namespace} promotes`];
    case 'Progressing': {
      const since = canary.status.trafficIncreaseWaitingSince;
      return since ? [`traffic increase waits for approval since ${since} (${described('confirm-traffic-increase')}); kanari promote ${name} -n ${namespace} takes the next step`] : [];
    }
    default:
      return [];
  }
}

function analysisRow(result: AnalysisResult): string[] {
  const value = result.value === undefined ? '-' : formatMetricValue(result.metric, result.value);
  const outcome = result.reason && result.result !== 'pass' ? `${result.result}: ${result.reason}` : result.result;
  return [result.metric, value, formatThresholdRange(result.metric, result.thresholdRange) || '-', outcome];
}

function conditionRow(condition: CanaryCondition, now: number): string[] {
  const since = condition.lastTransitionTime;
  return [condition.type, condition.status, condition.reason ?? '-', since ? formatAge(now - Date.parse(since)) : '-', condition.message ?? ''];
}

/** Columns padded to their widest cell, three spaces apart. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]))).join('   ').trimEnd();
  return [line(header), ...rows.map(line)];
}

function indent(lines: string[]): string[] {
  return lines.map((line) => `  ${line}`);
}
