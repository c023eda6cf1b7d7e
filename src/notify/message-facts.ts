/**
 * The facts every platform shows as labelled fields (canary, namespace, cluster, revision, weight), in
 * one order, so Slack, Teams, Discord and Google Chat agree on what a message says.
 */
import type { AlertSeverity } from '../api/canary.ts';
import { formatDuration, formatNumber, stepsText, type Notification } from './message.ts';

/** A labelled value. */
export interface Fact {
  label: string;
  value: string;
}

/** The identity facts of a message; absent ones are left out rather than shown empty. */
export function identityFacts(message: Notification): Fact[] {
  const facts: Fact[] = [
    { label: 'Canary', value: message.canary.name },
    { label: 'Namespace', value: message.canary.namespace },
  ];
  if (message.cluster) facts.push({ label: 'Cluster', value: message.cluster });
  if (message.revision) facts.push({ label: 'Revision', value: message.revision });
  if (message.weight !== undefined) facts.push({ label: 'Weight', value: `${message.weight}%` });
  if (message.actor) facts.push({ label: 'Requested by', value: message.actor });
  return facts;
}

/** The failing metric as facts (name, value, threshold), for rollbacks that have one. */
export function metricFacts(message: Notification): Fact[] {
  const metric = message.metric;
  if (!metric) return [];
  const unit = metric.unit ?? '';
  return [
    { label: 'Metric', value: metric.name },
    { label: 'Value', value: `${formatNumber(metric.value)}${unit}` },
    { label: metric.bound === 'max' ? 'Maximum' : 'Minimum', value: `${formatNumber(metric.threshold)}${unit}` },
  ];
}

/** "Duration 3m12s · 6 steps" (or "· 4 iterations"), or undefined when the message has neither. */
export function durationLine(message: Notification): string | undefined {
  const parts: string[] = [];
  if (message.durationMs !== undefined) parts.push(`Duration ${formatDuration(message.durationMs)}`);
  const steps = stepsText(message);
  if (steps) parts.push(steps);
  return parts.length ? parts.join(' · ') : undefined;
}

/** Severity colours shared by the platforms that take one (green, amber, red). */
export const SEVERITY_COLOURS = { info: 0x2eb67d, warn: 0xecb22e, error: 0xe01e5a } as const satisfies Record<AlertSeverity, number>;

/** A colour as "#2EB67D". */
export function hexColour(colour: number): string {
  return `#${colour.toString(16).padStart(6, '0').toUpperCase()}`;
}
