/**
 * Alert severities and the filter of a Canary's `analysis.alerts[].severity`. Unlike Flagger, whose empty
 * default silently sends nothing, an alert without a severity gets every message.
 */

export const SEVERITIES = ['info', 'warn', 'error'] as const;

export type Severity = (typeof SEVERITIES)[number];

/** The filter applied when an alert names none. */
export const DEFAULT_ALERT_SEVERITY: Severity = 'info';

const RANK: Record<Severity, number> = { info: 0, warn: 1, error: 2 };

/** True when a message of `severity` goes to an alert filtering at `filter` (info: all, warn: warn+error, error: errors). */
export function passesSeverityFilter(severity: Severity, filter: Severity | '' | undefined): boolean {
  return RANK[severity] >= RANK[filter || DEFAULT_ALERT_SEVERITY];
}

/** Narrows a string from a Canary spec to a severity, or undefined when it is none. */
export function parseSeverity(value: string | undefined): Severity | undefined {
  return (SEVERITIES as readonly string[]).includes(value ?? '') ? (value as Severity) : undefined;
}
