import type { BacktestOptions, PolicyReplay } from './backtest.ts';
import type { ReplayOutcome } from './history-replay.ts';

/**
 * What `kanari backtest` prints: per policy, each tick that did something (the Events a person would
 * have seen, with the step's weight) and the decision; then the two decisions side by side.
 */
export function renderBacktest(options: BacktestOptions, replays: PolicyReplay[]): string[] {
  const name = `${options.canary.metadata.name}.${options.canary.metadata.namespace ?? 'default'}`;
  const lines = [`Backtest of Canary ${name} from ${iso(options.from)} to ${iso(options.to)}, replayed from Prometheus ${options.prometheus}`];
  if (replays.length === 0) return [...lines, 'Nothing to replay: the Canary has no metric with thresholds and none that can be compared.'];
  for (const replay of replays) {
    lines.push('', `${title(replay)}: ${replay.policy.description}`);
    for (const tick of replay.ticks) {
      for (const event of tick.events) lines.push(`  ${clockTime(tick.time)}  ${`${tick.weight}%`.padStart(4)}  ${event.reason}: ${event.message}`);
    }
    lines.push(`  → ${decisionText(replay.outcome, options.from)}`);
  }
  lines.push('', 'Summary:');
  for (const replay of replays) lines.push(`  ${title(replay).padEnd(16)} ${decisionText(replay.outcome, options.from)}`);
  return lines;
}

function title(replay: PolicyReplay): string {
  return replay.policy.name === 'thresholds' ? 'Threshold policy' : 'Judge';
}

function decisionText(outcome: ReplayOutcome, from: number): string {
  const after = `${formatMinutes(outcome.time - from)} after the release, ${outcome.intervals} interval${outcome.intervals === 1 ? '' : 's'}`;
  if (outcome.decision === 'rollback') return `would have rolled back at ${iso(outcome.time)} (${after}): ${outcome.reason ?? ''}${outcome.message ? ` — ${outcome.message}` : ''}`;
  if (outcome.decision === 'promote') return `would have promoted at ${iso(outcome.time)} (${after})`;
  return `undecided at ${iso(outcome.time)}: ${outcome.reason ?? ''}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function clockTime(ms: number): string {
  return iso(ms).slice(11, 19);
}

function formatMinutes(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}
