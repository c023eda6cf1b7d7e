import type { Command } from 'commander';
import { discoverMesh } from '../mesh/mesh-discovery.ts';
import { renderMeshReport } from '../mesh/mesh-report-text.ts';
import type { RegisterCommand } from './commands.ts';
import { loadCliKubeContext, withKubeOptions, type KubeOptions } from './kube-context.ts';

/** `kanari mesh`: which SMI and Gateway APIs, meshes and Prometheus the cluster has, and each Canary's TrafficAccess preflight. */
export const registerMesh: RegisterCommand = (program: Command) => {
  withKubeOptions(
    program
      .command('mesh')
      .description('show the SMI APIs and versions served, the Gateway API and its GatewayClasses, the meshes installed, whether Prometheus answers, and a TrafficAccess preflight per Canary'),
    'check only the Canaries of this namespace (default: every namespace)',
  )
    .option('--prometheus <url...>', 'Prometheus addresses to check besides those of MetricTemplates (e.g. the controller\'s --metrics-server)')
    .option('-o, --output <format>', 'text or json', 'text')
    .action(async (options: KubeOptions & { prometheus?: string[]; output: string }) => {
      if (options.output !== 'text' && options.output !== 'json') throw new Error(`--output ${options.output}: expected text or json`);
      const context = loadCliKubeContext(options);
      const report = await discoverMesh({
        kubeConfig: context.kubeConfig,
        namespaces: options.namespace ? [options.namespace] : [],
        prometheus: (options.prometheus ?? []).map((url) => ({ url, usedBy: '--prometheus' })),
      });
      process.stdout.write(options.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : `${renderMeshReport(report).join('\n')}\n`);
    });
};
