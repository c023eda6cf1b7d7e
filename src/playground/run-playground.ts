/**
 * The playground's library entry point: starts the world, plays the chosen scenarios in order, shows
 * progress and what Slack received, prints the closing summary, and says whether everything ended as
 * expected. The CLI and the end-to-end tests both call it.
 */
import { PlaygroundWorld, type PlaygroundRouter } from './playground-world.ts';
import { ProgressOutput, type OutputStream } from './progress-output.ts';
import type { ScenarioResult } from './scenario.ts';
import { defaultScenarios, scenarioCatalog } from './scenarios.ts';
import { renderSlackMessage } from './slack-text.ts';
import { summaryLines } from './summary-view.ts';

/** The seed of the default run: the same load, faults and weighted choices every time. */
export const DEFAULT_SEED = 7;

/** Options of a run. */
export interface PlaygroundOptions {
  /** Scenario names to play, in order; the default ones (not the opt-in judge scenarios) when none are named. */
  scenarios?: string[];
  seed?: number;
  /** Where progress goes; process.stdout in the CLI. */
  output: OutputStream;
  /** Redraw in place; defaults to the stream's isTTY. */
  tty?: boolean;
  /** Leave the world running and return it (the caller stops it). */
  keep?: boolean;
  /** Play the releases through SMI TrafficSplits (default) or Gateway API HTTPRoutes. */
  router?: PlaygroundRouter;
}

/** What a run produced. */
export interface PlaygroundRun {
  ok: boolean;
  results: ScenarioResult[];
  durationMs: number;
  /** The running world when `keep` was asked; stopped (undefined) otherwise. */
  world?: PlaygroundWorld;
}

/** The names `--scenario` accepts, in the default order. */
export function scenarioNames(router: PlaygroundRouter = 'smi'): string[] {
  return scenarioCatalog(router).map((s) => s.name);
}

/** The scenarios played when none are named. */
export function defaultScenarioNames(router: PlaygroundRouter = 'smi'): string[] {
  return defaultScenarios(router).map((s) => s.name);
}

/** Plays the scenarios; never throws for a scenario that went wrong, only reports it. */
export async function runPlayground(options: PlaygroundOptions): Promise<PlaygroundRun> {
  const router = options.router ?? 'smi';
  const catalog = scenarioCatalog(router);
  const names = options.scenarios && options.scenarios.length > 0 ? options.scenarios : defaultScenarioNames(router);
  const unknown = names.filter((name) => !catalog.some((s) => s.name === name));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}; choose from ${catalog.map((s) => s.name).join(', ')}`);
  const seed = options.seed ?? DEFAULT_SEED;
  const out = new ProgressOutput(options.output, options.tty ?? options.output.isTTY === true);
  const started = Date.now();

  const plane = router === 'gatewayapi' ? 'data plane routing by Gateway API HTTPRoutes' : 'SMI data plane';
  out.line(`Kanari playground (seed ${seed}): starting the API server, controller, kubelet, ${plane} and a Slack stand-in…`);
  const world = await PlaygroundWorld.start({ seed, router });
  const results: ScenarioResult[] = [];
  try {
    out.line(`  ready in ${((Date.now() - started) / 1000).toFixed(1)}s: API server ${world.server.url}, controller metrics ${world.health.url}/metrics`);
    out.line(`  dashboard: ${world.dashboard.url} (the releases below appear there live)`);
    world.slack.onMessage((delivery) => {
      out.line('  Slack #releases received:');
      for (const line of renderSlackMessage(delivery.body)) out.line(`    ${line}`);
    });
    for (const name of names) {
      const scenario = catalog.find((s) => s.name === name);
      if (!scenario) continue;
      out.line('');
      out.line(`▶ ${scenario.name}: ${scenario.title}`);
      const result = await scenario.run({ world, out, seed });
      results.push(result);
      if (!result.ok) {
        out.line(`  ✘ ${result.problems.join('; ')}`);
        out.line('  last controller log lines:');
        for (const line of world.controllerLog(8)) out.line(`    ${line}`);
      }
    }
  } catch (error) {
    if (!options.keep) await world.stop();
    throw error;
  }
  const durationMs = Date.now() - started;
  const ok = results.length === names.length && results.every((r) => r.ok);
  out.line('');
  out.line(`Summary (${(durationMs / 1000).toFixed(1)}s in all, seed ${seed}):`);
  for (const result of results) for (const line of summaryLines(result)) out.line(`  ${line}`);
  out.line(ok ? 'All scenarios ended as expected.' : `${results.filter((r) => !r.ok).length} scenario(s) did not end as expected.`);
  if (router === 'smi') out.line('The same releases through Gateway API HTTPRoutes: npm start -- --router gatewayapi');
  if (options.keep) return { ok, results, durationMs, world };
  await world.stop();
  return { ok, results, durationMs };
}
