/**
 * The words people see for the judge's evidence, in status text, Events and alerts:
 * "canary fails 2.1× as often as primary (95 %: 1.4–3.2×), tolerated 1.2×: rolling back".
 * Pure functions of a verdict, so the dashboard, the CLI and the notifiers say the same thing.
 */
import { ratioRange } from './ratio-grid.ts';
import type { JudgeDecision, JudgeVerdict, MetricEvidence } from './verdict.ts';

/** "2.1×", "0.45×", "21×": two significant figures below 10, whole numbers above. */
export function formatRatio(ratio: number): string {
  if (ratio >= 10) return `${Math.round(ratio)}×`;
  if (ratio >= 1) return `${trimmed(ratio.toFixed(1))}×`;
  return `${Number(ratio.toPrecision(2))}×`;
}

/** A tolerated ratio as configured: "1.2×", "1.25×". */
export function formatTolerated(tolerated: number): string {
  return `${trimmed(tolerated.toFixed(2))}×`;
}

/** "95 %" from 0.95; "99.9 %" from 0.999. */
export function formatConfidence(confidence: number): string {
  return `${Number((confidence * 100).toPrecision(4))} %`;
}

/** An e-value for people: "0.04", "3.1", "25", "12,345", "more than a million". */
export function formatEValue(eValue: number): string {
  if (eValue < 0.001) return 'less than 0.001';
  if (eValue < 1) return String(Number(eValue.toPrecision(1)));
  if (eValue < 100) return trimmed(eValue.toFixed(1));
  if (eValue < 1e6) return Math.round(eValue).toLocaleString('en-US');
  return 'more than a million';
}

/**
 * "canary fails 2.1× as often as primary (95 %: 1.4–3.2×), tolerated 1.2×", or why nothing is known
 * yet; `reference` names the side the canary is compared with (the primary, or the baseline).
 */
export function describeComparison(metric: MetricEvidence, confidence: number, reference = 'primary'): string {
  if (metric.outcome === 'no-data' || metric.estimate === undefined) return describeNoData(metric, reference);
  const range = ratioRange(metric.tolerated);
  let estimate = formatRatio(metric.estimate);
  if (metric.estimate >= range.max) estimate = `more than ${formatRatio(range.max)}`;
  else if (metric.estimate <= range.min) estimate = `less than ${formatRatio(range.min)}`;
  return `canary ${verbOf(metric)} ${estimate} as often as ${reference} (${describeBounds(metric, confidence)}), tolerated ${formatTolerated(metric.tolerated)}`;
}

/** One metric's comparison and what it means for the run, e.g. "…, tolerated 1.2×: not conclusive yet (e-value 3.1, rollback at 40)". */
export function describeMetric(metric: MetricEvidence, confidence: number, decision: JudgeDecision, reference = 'primary'): string {
  const comparison = describeComparison(metric, confidence, reference);
  if (metric.outcome === 'no-data') return comparison;
  if (decision === 'rollback' && metric.outcome === 'worse') return `${comparison}: rolling back`;
  if (decision === 'promote') return `${comparison}: no worse than ${reference}, promoting`;
  if (metric.outcome === 'no-worse') return `${comparison}: no worse than tolerated`;
  return `${comparison}: not conclusive yet (e-value ${formatEValue(metric.eValue)}, rollback at ${formatEValue(metric.bar)})`;
}

/**
 * The verdict in one line for a status message, an Event or an alert: on rollback the metric with
 * the most weighted evidence, otherwise every metric prefixed by its name.
 */
export function describeVerdict(verdict: JudgeVerdict, reference = 'primary'): string {
  if (verdict.decision === 'rollback') {
    const strongest = strongestEvidence(verdict);
    const prefix = verdict.metrics.length > 1 ? `${strongest.name}: ` : '';
    const base = `${prefix}${describeComparison(strongest, verdict.confidence, reference)}: rolling back`;
    // The average can reach the bar with no single metric past its own share of it.
    const combined = strongest.eValue < strongest.bar ? ` (evidence across metrics ${formatEValue(verdict.eValue)} ≥ ${formatEValue(verdict.bar)})` : '';
    return `${base}${combined}`;
  }
  const lines = verdict.metrics.map((metric) => {
    const prefix = verdict.metrics.length > 1 ? `${metric.name}: ` : '';
    return `${prefix}${describeMetric(metric, verdict.confidence, verdict.decision, reference)}`;
  });
  return lines.join('; ');
}

/** The metric with the most weighted evidence against the canary: the one a rollback is told by. */
export function strongestEvidence(verdict: JudgeVerdict): MetricEvidence {
  return [...verdict.metrics].sort((a, b) => b.weight * b.eValue - a.weight * a.eValue)[0];
}

/** The Event reason for a decision: `CanaryWorseThanPrimary`, `CanaryNoWorseThanPrimary` or `ComparingWithPrimary` (`…Baseline` against a baseline). */
export function eventReasonOf(decision: JudgeDecision, reference = 'primary'): string {
  const side = reference === 'baseline' ? 'Baseline' : 'Primary';
  if (decision === 'rollback') return `CanaryWorseThan${side}`;
  if (decision === 'promote') return `CanaryNoWorseThan${side}`;
  return `ComparingWith${side}`;
}

function describeBounds(metric: MetricEvidence, confidence: number): string {
  const level = formatConfidence(confidence);
  const { lower, upper } = metric;
  if (lower !== undefined && upper !== undefined) return `${level}: ${formatRatio(lower).slice(0, -1)}–${formatRatio(upper)}`;
  if (lower !== undefined) return `${level}: above ${formatRatio(lower)}`;
  if (upper !== undefined) return `${level}: below ${formatRatio(upper)}`;
  return `${level}: no bound yet`;
}

function describeNoData(metric: MetricEvidence, reference: string): string {
  const requests = `canary ${count(metric.canaryRequests)} requests, ${reference} ${count(metric.primaryRequests)}`;
  if (metric.canaryRequests === 0 || metric.primaryRequests === 0) return `nothing to compare yet: ${requests}`;
  const what = metric.kind === 'latency' ? `no request slower than ${metric.boundaryMs} ms` : 'no failed request';
  return `nothing to compare yet: ${what} on either side (${requests})`;
}

function verbOf(metric: MetricEvidence): string {
  return metric.kind === 'latency' ? `is slower than ${metric.boundaryMs} ms` : 'fails';
}

function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function trimmed(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}
