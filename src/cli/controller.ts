import { Option, type Command } from 'commander';
import type { KubeConfig } from '@kubernetes/client-node';
import type { LevelWithSilent } from 'pino';
import { MESHES, type Mesh } from '../api/canary.ts';
import { Duration } from '../api/duration.ts';
import { runController } from '../controller/run-controller.ts';
import { loadKubeConfig } from '../kube/client.ts';
import { createLogger } from '../log/logger.ts';
import { parseAddress } from './address.ts';
import type { RegisterCommand } from './commands.ts';
import { loadKubeConfigFile } from './input-file.ts';

interface ControllerFlags {
  kubeconfig?: string;
  context?: string;
  namespace: string[];
  selector?: string;
  metricsAddr: string;
  logLevel: LevelWithSilent;
  logFormat: 'json' | 'text';
  provider?: string;
  trafficsplitVersion?: string;
  metricsServer?: string;
  mesh?: Mesh;
  includeLabelPrefix?: string;
  eventWebhook?: string;
  clusterName?: string;
  concurrency: string;
  leaderElect?: boolean;
  leaderElectNamespace: string;
  leaderElectLeaseName: string;
  leaderElectLeaseDuration: string;
  leaderElectRenewDeadline: string;
  leaderElectRetryPeriod: string;
  dashboardAddress?: string;
  dashboardActions?: boolean;
}

/** `kanari controller`: watches Canaries and runs their rollouts, in a cluster or against a kubeconfig. */
export const registerController: RegisterCommand = (program: Command) => {
  const option = (flags: string, description: string, env: string) => new Option(flags, description).env(env);
  program
    .command('controller')
    .description('Run the Kanari controller: watch Canaries and drive their rollouts')
    .addOption(option('--kubeconfig <file>', 'kubeconfig to use (default: in-cluster config, else KUBECONFIG or ~/.kube/config)', 'KUBECONFIG'))
    .addOption(option('--context <name>', 'kubeconfig context to use', 'KANARI_CONTEXT'))
    .addOption(
      option('--namespace <ns...>', 'watch only these namespaces (repeat or comma-separate; default: all)', 'KANARI_NAMESPACES')
        .default([])
        .argParser((value: string, previous: string[]) => [...previous, ...value.split(',').map((ns) => ns.trim()).filter(Boolean)]),
    )
    .addOption(option('--selector <labels>', 'only Canaries with these labels, to shard Canaries between installations', 'KANARI_SELECTOR'))
    .addOption(option('--metrics-addr <host:port>', 'address of /metrics, /healthz and /readyz', 'KANARI_METRICS_ADDR').default(':8080'))
    .addOption(option('--log-level <level>', 'log level', 'KANARI_LOG_LEVEL').choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'))
    .addOption(option('--log-format <format>', 'json for log pipelines, text for a terminal', 'KANARI_LOG_FORMAT').choices(['json', 'text']).default('json'))
    .addOption(option('--provider <router>', 'router for Canaries that name only "smi", e.g. smi:v1alpha2 or gatewayapi', 'KANARI_PROVIDER'))
    .addOption(option('--trafficsplit-version <version>', 'pin the TrafficSplit version instead of detecting it', 'KANARI_TRAFFICSPLIT_VERSION').choices(['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4']))
    .addOption(option('--metrics-server <url>', 'Prometheus for built-in metrics when the TrafficMetrics API is not served', 'KANARI_METRICS_SERVER'))
    .addOption(option('--mesh <mesh>', 'whose metric names the Prometheus queries use', 'KANARI_MESH').choices([...MESHES]))
    .addOption(option('--include-label-prefix <prefixes>', 'copy the target labels starting with these comma-separated prefixes to its primary copies (* for all; Flagger\'s flag)', 'KANARI_INCLUDE_LABEL_PREFIX'))
    .addOption(option('--event-webhook <url>', 'also post every Canary event to this webhook', 'KANARI_EVENT_WEBHOOK'))
    .addOption(option('--cluster-name <name>', 'cluster name shown in notifications', 'KANARI_CLUSTER_NAME'))
    .addOption(option('--dashboard-address <host:port>', 'serve the dashboard here, e.g. :9090 (default: off)', 'KANARI_DASHBOARD_ADDRESS'))
    // Not .env(): commander turns a boolean flag on for any value of its variable, and the chart writes "false".
    .addOption(new Option('--dashboard-actions', 'allow promote, abort, pause, resume and retry from the dashboard, each with the person\'s own bearer token (env KANARI_DASHBOARD_ACTIONS=true)'))
    .addOption(option('--concurrency <n>', 'how many Canaries reconcile at once', 'KANARI_CONCURRENCY').default('32'))
    .addOption(option('--leader-elect', 'run only while holding a Lease, so several replicas can stand by', 'KANARI_LEADER_ELECT'))
    .addOption(option('--leader-elect-namespace <ns>', 'namespace of the Lease', 'POD_NAMESPACE').default('kanari-system'))
    .addOption(option('--leader-elect-lease-name <name>', 'name of the Lease', 'KANARI_LEASE_NAME').default('kanari-leader'))
    .addOption(option('--leader-elect-lease-duration <duration>', 'how long a lease lasts without renewal', 'KANARI_LEASE_DURATION').default('15s'))
    .addOption(option('--leader-elect-renew-deadline <duration>', 'how long the leader may fail to renew before stopping', 'KANARI_RENEW_DEADLINE').default('10s'))
    .addOption(option('--leader-elect-retry-period <duration>', 'how often to renew or try to acquire', 'KANARI_RETRY_PERIOD').default('2s'))
    .action(async (given: ControllerFlags) => {
      const flags = withoutEmptyValues(given);
      const logger = createLogger({ level: flags.logLevel, format: flags.logFormat });
      const kubeConfig = loadKubeConfig(
        flags.kubeconfig
          ? { kind: 'given', kubeConfig: withContext(loadKubeConfigFile(flags.kubeconfig), flags.context) }
          : process.env.KUBERNETES_SERVICE_HOST
            ? { kind: 'in-cluster' }
            : { kind: 'default' },
      );
      const running = await runController({
        kubeConfig,
        logger,
        namespaces: flags.namespace,
        canarySelector: flags.selector,
        defaultProvider: flags.trafficsplitVersion ? `smi:${flags.trafficsplitVersion}` : flags.provider,
        metricsServer: flags.metricsServer,
        mesh: flags.mesh,
        includeLabelPrefix: flags.includeLabelPrefix?.split(',').map((prefix) => prefix.trim()).filter((prefix) => prefix !== ''),
        eventWebhook: flags.eventWebhook,
        clusterName: flags.clusterName,
        concurrency: positiveInteger('--concurrency', flags.concurrency),
        healthAddress: parseAddress(flags.metricsAddr),
        dashboard: flags.dashboardAddress
          ? { address: parseAddress(flags.dashboardAddress, '--dashboard-address'), actions: flags.dashboardActions === true || process.env.KANARI_DASHBOARD_ACTIONS === 'true' }
          : undefined,
        leaderElection: flags.leaderElect
          ? {
              namespace: flags.leaderElectNamespace,
              leaseName: flags.leaderElectLeaseName,
              leaseDurationMs: durationFlag('--leader-elect-lease-duration', flags.leaderElectLeaseDuration),
              renewDeadlineMs: durationFlag('--leader-elect-renew-deadline', flags.leaderElectRenewDeadline),
              retryPeriodMs: durationFlag('--leader-elect-retry-period', flags.leaderElectRetryPeriod),
            }
          : undefined,
      });
      // SIGTERM (a rolling update, a drain): finish the current ticks and their status writes, release the lease.
      const shutdown = (signal: string) => {
        logger.info({ signal }, 'shutting down');
        running.stop().then(
          () => process.exit(0),
          (err: unknown) => {
            logger.error({ err: String(err) }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    });
};

function withContext(kubeConfig: KubeConfig, context: string | undefined): KubeConfig {
  if (context) kubeConfig.setCurrentContext(context);
  return kubeConfig;
}

/** The chart passes every flag, some as `--flag=`; an empty value means the flag was not set. */
function withoutEmptyValues(flags: ControllerFlags): ControllerFlags {
  return Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== '')) as unknown as ControllerFlags;
}

function positiveInteger(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} ${value}: expected a whole number of at least 1`);
  return n;
}

function durationFlag(flag: string, value: string): number {
  const duration = Duration.tryParse(value);
  if (!duration) throw new Error(`${flag} ${value}: expected a duration such as 15s`);
  return duration.milliseconds;
}
