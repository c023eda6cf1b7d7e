/**
 * The filter of a Canary's `analysis.alerts[].severity`. Unlike Flagger, whose empty default silently
 * sends nothing, an alert without a severity gets every message. The severities and their order (least
 * severe first) are the API's.
 */
import { ALERT_SEVERITIES, CanaryAlertSchema, type AlertSeverity } from '../api/canary.ts';

/** The filter applied when an alert names none: the schema's default for `alerts[].severity`. */
const DEFAULT_ALERT_SEVERITY = CanaryAlertSchema.properties.severity.default as AlertSeverity;

/** True when a message of `severity` goes to an alert filtering at `filter` (info: all, warn: warn+error, error: errors). */
export function passesSeverityFilter(severity: AlertSeverity, filter: AlertSeverity | undefined): boolean {
  return ALERT_SEVERITIES.indexOf(severity) >= ALERT_SEVERITIES.indexOf(filter || DEFAULT_ALERT_SEVERITY);
}
