import type { CanaryStatus } from '../api/canary-status.ts';
import type { MetricComparison } from '../api/judge-status.ts';
import { formatConfidence, formatEValue, formatRatio, formatTolerated } from '../engine/judge/index.ts';

/**
 * The judge's part of `kanari status`: per compared metric the estimated ratio of the canary's failure
 * rate to the primary's (or the baseline's), its confidence interval, the e-value against its bar, and
 * what was counted — then each metric's evidence in words, as Events and alerts say it.
 */
export function judgeLines(status: CanaryStatus, table: (header: string[], rows: string[][]) => string[], indent: (lines: string[]) => string[]): string[] {
  const judge = status.judge;
  if (judge === undefined) return [];
  const compared = (status.lastAnalysis ?? []).flatMap((result) => (result.comparison === undefined ? [] : [{ metric: result.metric, comparison: result.comparison }]));
  const level = judge.confidence === undefined ? '' : ` at ${formatConfidence(judge.confidence)}`;
  const evidence = judge.eValue === undefined || judge.bar === undefined ? '' : `: evidence ${formatEValue(judge.eValue)}, rolls back at ${formatEValue(judge.bar)}`;
  const lines = [`${'Judge:'.padEnd(15)}compared with ${judge.against}${level}${evidence}${judge.decision === undefined ? '' : ` (${judge.decision})`}`];
  if (compared.length === 0) return [...lines, ...indent([judge.message ?? 'nothing compared yet'])];
  const header = ['METRIC', 'RATIO', 'INTERVAL', 'TOLERATED', 'E-VALUE', 'CANARY FAILED', `${judge.against.toUpperCase()} FAILED`];
  lines.push(...indent(table(header, compared.map(({ metric, comparison }) => comparisonRow(metric, comparison)))));
  lines.push(...indent(compared.map(({ metric, comparison }) => `${metric}: ${comparison.message}`)));
  return lines;
}

function comparisonRow(metric: string, comparison: MetricComparison): string[] {
  const { lower, upper } = comparison;
  let interval = '-';
  if (lower !== undefined && upper !== undefined) interval = `${formatRatio(lower).slice(0, -1)}–${formatRatio(upper)}`;
  else if (lower !== undefined) interval = `above ${formatRatio(lower)}`;
  else if (upper !== undefined) interval = `below ${formatRatio(upper)}`;
  return [
    metric,
    comparison.estimate === undefined ? '-' : formatRatio(comparison.estimate),
    interval,
    formatTolerated(comparison.tolerated),
    `${formatEValue(comparison.eValue)} / ${formatEValue(comparison.bar)}`,
    `${count(comparison.canaryFailures)} of ${count(comparison.canaryRequests)}`,
    `${count(comparison.referenceFailures)} of ${count(comparison.referenceRequests)}`,
  ];
}

function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
