import type { Command } from 'commander';
import { InformerCanarySource } from '../dashboard/canary-source.ts';
import { startDashboard } from '../dashboard/dashboard-server.ts';
import { reuseConnections } from '../kube/client.ts';
import { createLogger } from '../log/logger.ts';
import type { RegisterCommand } from './commands.ts';
import { parseAddress } from './address.ts';
import { loadCliKubeContext, withKubeOptions, type KubeOptions } from './kube-context.ts';

interface DashboardFlags extends KubeOptions {
  address: string;
  actions?: boolean;
  prometheus?: string[];
}

/** `kanari dashboard`: the dashboard for the cluster of the current kubeconfig, served on this machine. */
export const registerDashboard: RegisterCommand = (program: Command) => {
  withKubeOptions(
    program
      .command('dashboard')
      .description('serve the dashboard (Canaries live, each run\'s weights and metrics, past runs, Events, the mesh) for the cluster of the kubeconfig'),
    'show only the Canaries of this namespace (default: every namespace)',
  )
    .option('--address <host:port>', 'where to serve it', '127.0.0.1:9090')
    .option('--actions', 'allow promote, abort, pause, resume and retry from the page, each with the person\'s own bearer token')
    .option('--prometheus <url...>', 'Prometheus addresses the mesh page checks, besides those of MetricTemplates')
    .action(async (flags: DashboardFlags) => {
      const { host, port } = parseAddress(flags.address, '--address');
      const context = loadCliKubeContext(flags);
      const kubeConfig = reuseConnections(context.kubeConfig);
      const logger = createLogger({ level: 'warn', format: 'text' });
      const source = new InformerCanarySource({ kubeConfig, namespaces: flags.namespace ? [flags.namespace] : [], logger });
      // Serve at once: the list fills when the informer has listed (it keeps retrying, e.g. until the CRDs exist).
      void source.start();
      const dashboard = await startDashboard({
        kubeConfig,
        source,
        host,
        port,
        actions: flags.actions,
        namespaces: flags.namespace ? [flags.namespace] : [],
        prometheus: (flags.prometheus ?? []).map((url) => ({ url, usedBy: '--prometheus' })),
        title: kubeConfig.getCurrentContext(),
        logger,
      });
      console.log(`Kanari dashboard for context ${kubeConfig.getCurrentContext()}: ${dashboard.url}${flags.actions ? ' (manual actions on: each asks for the person\'s token)' : ''}`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await dashboard.close();
      await source.stop();
    });
};
