/**
 * The closing summary of one scenario, as plain lines: verdict, duration, the steps the TrafficSplit
 * took, requests served by each version, errors users saw, and what went wrong when it did.
 */
import { describeMatches } from '../api/match-description.ts';
import { strategyOf } from '../engine/strategy.ts';
import type { ScenarioResult } from './scenario.ts';
import { slackHeadline } from './slack-text.ts';

/** The summary block of one scenario. */
export function summaryLines(result: ScenarioResult): string[] {
  const mark = result.ok ? '✔' : '✘';
  const phase = result.expectedPhase ? `, ${result.finalPhase ?? 'no phase'}${result.ok ? '' : ` (expected ${result.expectedPhase})`}` : '';
  const lines = [`${mark} ${result.name}: ${result.ok ? 'as expected' : 'NOT as expected'}${phase} in ${(result.durationMs / 1000).toFixed(1)}s`];
  if (result.weights.length > 0) lines.push(`    ${stepsLine(result)}`);
  const versions = Object.entries(result.byVersion).sort(([a], [b]) => a.localeCompare(b));
  if (versions.length > 0) {
    // "116 = v2 95 + v3 21 (14 failed)": one level of parentheses, the sum in plain sight.
    const served = versions.map(([version, c]) => `${version} ${c.requests}${c.errors ? ` (${c.errors} failed)` : ''}`).join(' + ');
    const total = versions.reduce((sum, [, c]) => sum + c.requests, 0);
    lines.push(`    requests served: ${total} = ${served}; errors seen by users: ${result.userErrors}`);
  }
  if (result.slack.length > 0) lines.push(`    Slack received: ${result.slack.map((d) => slackHeadline(d.body)).join(' | ')}`);
  for (const note of result.notes) lines.push(`    ${note}`);
  for (const problem of result.problems) lines.push(`    problem: ${problem}`);
  return lines;
}

// What the run counted, in its strategy's terms (as the progress line and the promotion alert count):
// weight steps for a canary, iterations for blue/green and A/B, whose split goes 0 → 100 → 0 once.
function stepsLine(result: ScenarioResult): string {
  const weights = `canary weight 0 → ${result.weights.join(' → ')}`;
  const analysis = result.analysis;
  if (!analysis || strategyOf(analysis) === 'canary') return `steps: ${result.weights.filter((w) => w > 0).length} (${weights})`;
  const iterations = `iterations: ${result.iterations ?? 0} of ${analysis.iterations ?? 1}`;
  if (strategyOf(analysis) === 'ab-testing') return `${iterations} (A/B: requests with ${describeMatches(analysis.match)} → canary; ${weights} for them)`;
  return `${iterations} (${weights})`;
}
