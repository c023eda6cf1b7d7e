/**
 * The closing summary of one scenario, as plain lines: verdict, duration, the steps the TrafficSplit
 * took, requests served by each version, errors users saw, and what went wrong when it did.
 */
import type { ScenarioResult } from './scenario.ts';
import { slackHeadline } from './slack-text.ts';

/** The summary block of one scenario. */
export function summaryLines(result: ScenarioResult): string[] {
  const mark = result.ok ? '✔' : '✘';
  const phase = result.expectedPhase ? `, ${result.finalPhase ?? 'no phase'}${result.ok ? '' : ` (expected ${result.expectedPhase})`}` : '';
  const lines = [`${mark} ${result.name}: ${result.ok ? 'as expected' : 'NOT as expected'}${phase} in ${(result.durationMs / 1000).toFixed(1)}s`];
  if (result.weights.length > 0) {
    const steps = result.weights.filter((w) => w > 0).length;
    lines.push(`    steps: ${steps} (canary weight 0 → ${result.weights.join(' → ')})`);
  }
  const versions = Object.entries(result.byVersion).sort(([a], [b]) => a.localeCompare(b));
  if (versions.length > 0) {
    const served = versions.map(([version, c]) => `${version} ${c.requests}${c.errors ? ` (${c.errors} failed)` : ''}`).join(', ');
    const total = versions.reduce((sum, [, c]) => sum + c.requests, 0);
    lines.push(`    requests served: ${total} (${served}); errors seen by users: ${result.userErrors}`);
  }
  if (result.slack.length > 0) lines.push(`    Slack received: ${result.slack.map((d) => slackHeadline(d.body)).join(' | ')}`);
  for (const note of result.notes) lines.push(`    ${note}`);
  for (const problem of result.problems) lines.push(`    problem: ${problem}`);
  return lines;
}
