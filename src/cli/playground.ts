import type { Command } from 'commander';
import { startLoad } from '../sandbox/loadgen/load-generator.ts';
import { LOAD_SERVICE_ACCOUNT, PLAYGROUND_NAMESPACE, PLAYGROUND_ROUTERS } from '../playground/playground-world.ts';
import { ProgressOutput } from '../playground/progress-output.ts';
import { progressKey, progressLine } from '../playground/progress-view.ts';
import { keepHints, restorePromotedReleases } from '../playground/keep-mode.ts';
import { PODINFO_ANALYSIS, PODINFO_V1 } from '../playground/releases.ts';
import { ensureApp } from '../playground/rollout-scenario.ts';
import { DEFAULT_SEED, defaultScenarioNames, runPlayground, scenarioNames } from '../playground/run-playground.ts';
import type { RegisterCommand } from './commands.ts';

/** Users per second that keep calling podinfo under `--keep`, so a release a person ships has traffic to judge. */
const KEEP_RPS = 20;

/** `kanari playground`: the whole system on one machine, replaying the SMI demo; `npm start` runs it. */
export const registerPlayground: RegisterCommand = (program: Command) => {
  program
    .command('playground')
    .description('Run Kanari with a sandbox API server, simulated kubelet, SMI data plane, load and a Slack stand-in, and replay the canary demo')
    .option('--scenario <name...>', `scenarios to run, in order: ${scenarioNames().join(', ')} (default: ${defaultScenarioNames().join(', ')}; the judge's subtle-regression and shared-incident are opt-in)`)
    .option('--seed <n>', 'seed of the load, the faults and the weighted routing', String(DEFAULT_SEED))
    .option('--keep', 'leave everything running afterwards and print how to drive it with kubectl, until Ctrl-C')
    .option('--router <router>', `route the releases through ${PLAYGROUND_ROUTERS.join(' or ')}: SMI TrafficSplits, or Gateway API HTTPRoutes (scenarios: ${scenarioNames('gatewayapi').join(', ')})`, 'smi')
    .action(async (flags: { scenario?: string[]; seed: string; keep?: boolean; router: string }) => {
      const seed = Number(flags.seed);
      if (!Number.isInteger(seed)) throw new Error(`--seed ${flags.seed} is not an integer`);
      const router = PLAYGROUND_ROUTERS.find((r) => r === flags.router);
      if (!router) throw new Error(`--router ${flags.router} is not a router of the playground: use ${PLAYGROUND_ROUTERS.join(' or ')}`);
      const run = await runPlayground({ scenarios: flags.scenario, seed, keep: flags.keep, output: process.stdout, router });
      process.exitCode = run.ok ? 0 : 1;
      if (!run.world) return;
      const world = run.world;
      // podinfo exists whichever scenarios ran: the hints and the users need it.
      await ensureApp({ world, out: new ProgressOutput(process.stdout), seed }, 'podinfo', PODINFO_V1, PODINFO_ANALYSIS);
      for (const line of await restorePromotedReleases(world)) console.log(`\n${line}`);
      const apex = await world.apex('podinfo');
      const load = startLoad({ url: apex.url, rps: KEEP_RPS, sourceServiceAccount: `${PLAYGROUND_NAMESPACE}/${LOAD_SERVICE_ACCOUNT}`, seed });
      console.log(['', ...keepHints({ kubeconfig: world.kubeconfigPath, apexUrl: apex.url, dashboardUrl: world.dashboard.url, rps: KEEP_RPS, router })].join('\n'));
      // Releases a person starts with kubectl show the same live line as the scenarios' ones.
      const out = new ProgressOutput(process.stdout);
      world.recorder.onCanary((canary) => {
        const weight = world.recorder.weightHistory(canary.metadata.name ?? '').at(-1);
        out.status(progressLine(canary, weight), progressKey(canary, weight));
      });
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      console.log('\nstopping…');
      await load.stop();
      await world.stop();
    });
};
