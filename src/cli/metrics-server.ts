import type { Command } from 'commander';
import { loadKubeConfig } from '../kube/client.ts';
import { createLogger } from '../log/logger.ts';
import { DEFAULT_MESH, MESHES, type Mesh } from '../api/canary.ts';
import { PrometheusProvider } from '../metrics/prometheus.ts';
import { startTrafficMetricsServer } from '../metrics/traffic-metrics-server.ts';
import type { RegisterCommand } from './commands.ts';
import { readInputFile } from './input-file.ts';

/** `kanari metrics-server`: an SMI TrafficMetrics API server (a replacement for smi-metrics) backed by Prometheus. */
export const registerMetricsServer: RegisterCommand = (program: Command) => {
  program
    .command('metrics-server')
    .description('Serve the SMI TrafficMetrics API (metrics.smi-spec.io/v1alpha1) over HTTPS, computed from Prometheus')
    .requiredOption('--prometheus-url <url>', 'Prometheus base URL, e.g. http://prometheus.monitoring:9090')
    .option('--mesh <mesh>', `whose metrics Prometheus holds: ${MESHES.join(', ')}`, DEFAULT_MESH)
    .option('--port <port>', 'HTTPS port', '8443')
    .option('--host <host>', 'address to listen on', '0.0.0.0')
    .option('--cert <file>', 'serving certificate (PEM); self-signed when omitted')
    .option('--key <file>', 'serving key (PEM)')
    .option('--kubeconfig <file>', 'kubeconfig for the API server it asks who may read (default: in-cluster config, else KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to use')
    .addHelpText(
      'after',
      '\nCallers must come through the API server\'s front proxy (the CA and header names in kube-system/extension-apiserver-authentication)\nand be allowed by RBAC to get or list the resource (a SubjectAccessReview). The service account needs the ClusterRole\nsystem:auth-delegator and, in kube-system, the Role extension-apiserver-authentication-reader (the chart binds both).',
    )
    .action(async (flags: { prometheusUrl: string; mesh: string; port: string; host: string; cert?: string; key?: string; kubeconfig?: string; context?: string }) => {
      if (!(MESHES as readonly string[]).includes(flags.mesh)) throw new Error(`--mesh ${flags.mesh} is not supported: use one of ${MESHES.join(', ')}`);
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${flags.port} is not a port number`);
      // The server reads the PEM files itself; checked here first, a missing one is worded as for every other command.
      for (const [flag, file] of [['--cert', flags.cert], ['--key', flags.key]] as const) if (file !== undefined) await readInputFile(file, `${flag} ${file}`);
      const logger = createLogger();
      const kubeConfig = loadKubeConfig(
        flags.kubeconfig ? { kind: 'file', path: flags.kubeconfig, context: flags.context } : process.env.KUBERNETES_SERVICE_HOST ? { kind: 'in-cluster' } : { kind: 'default' },
      );
      const server = await startTrafficMetricsServer({
        access: { kind: 'delegated', kubeConfig },
        prometheus: new PrometheusProvider({ address: flags.prometheusUrl }),
        mesh: flags.mesh as Mesh,
        port,
        host: flags.host,
        certFile: flags.cert,
        keyFile: flags.key,
        logger,
      });
      // The tests and scripts read this line to learn the port when --port 0 picks one.
      logger.info({ url: server.url }, 'metrics-server ready');
      const stop = () => void server.close().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
};
