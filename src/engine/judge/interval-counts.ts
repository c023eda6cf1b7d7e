/**
 * What the judge reads for one metric over one analysis interval: requests and "bad" events (failed
 * requests, or requests slower than the latency boundary) on the canary and on the primary, as raw
 * counter differences. Everything a metrics provider answers is checked here, so a wrong number
 * becomes an error naming the field instead of a silently wrong e-value.
 */

import { JudgeInputError } from './judge-input-error.ts';

/** One interval of one metric on both sides. Counts are raw counter differences (integers in practice). */
export interface IntervalCounts {
  canaryRequests: number;
  primaryRequests: number;
  /** Failed (or slow) canary requests in the interval. */
  canaryEvents: number;
  /** Failed (or slow) primary requests in the interval. */
  primaryEvents: number;
}

/** One interval for every judged metric, by metric name; a metric absent or `undefined` had no data. */
export interface IntervalObservation {
  metrics: Record<string, IntervalCounts | undefined>;
}

/** The problems of one interval's counts, worded for a person; empty when they can be used. */
export function countsProblems(counts: IntervalCounts, field: string): JudgeInputError[] {
  const problems: JudgeInputError[] = [];
  for (const key of ['canaryRequests', 'primaryRequests', 'canaryEvents', 'primaryEvents'] as const) {
    const value = counts[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      problems.push(new JudgeInputError(`${field}.${key}`, value, 'must be a finite number at least 0'));
    }
  }
  if (problems.length > 0) return problems;
  if (counts.canaryEvents > counts.canaryRequests) {
    problems.push(new JudgeInputError(`${field}.canaryEvents`, counts.canaryEvents, `must be at most canaryRequests (${counts.canaryRequests})`));
  }
  if (counts.primaryEvents > counts.primaryRequests) {
    problems.push(new JudgeInputError(`${field}.primaryEvents`, counts.primaryEvents, `must be at most primaryRequests (${counts.primaryRequests})`));
  }
  return problems;
}

/**
 * True when the interval can move the evidence: both sides served requests and at least one bad event
 * happened. Conditioning on the number of bad events is what removes the shared baseline, so an
 * interval without any carries no information about the ratio, however many requests succeeded.
 */
export function isInformative(counts: IntervalCounts): boolean {
  return counts.canaryRequests > 0 && counts.primaryRequests > 0 && counts.canaryEvents + counts.primaryEvents > 0;
}
