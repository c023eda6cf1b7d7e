import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createLogger } from '../log/logger.ts';
import { startApiServer } from '../sandbox/apiserver/index.ts';
import type { RegisterCommand } from './commands.ts';

/** `kanari apiserver`: the sandbox Kubernetes API server, standalone, with a kubeconfig for kubectl. */
export const registerApiServer: RegisterCommand = (program: Command) => {
  program
    .command('apiserver')
    .description('Run the sandbox Kubernetes API server (HTTPS, bearer token) and write a kubeconfig for kubectl and client-node')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '0')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--kubeconfig <file>', 'where to write the kubeconfig', 'kanari-sandbox.kubeconfig')
    .option('--data <file>', 'keep the objects in this JSON file across restarts')
    .option('--http', 'serve plain HTTP instead of HTTPS')
    .action(async (flags: { port: string; host: string; kubeconfig: string; data?: string; http?: boolean }) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${flags.port} is not a port number`);
      const logger = createLogger();
      const server = await startApiServer({ port, host: flags.host, dataFile: flags.data, https: !flags.http, token: process.env.KANARI_APISERVER_TOKEN });
      // The kubeconfig carries the token; it is written with owner-only permissions and never logged.
      writeFileSync(flags.kubeconfig, server.kubeconfigYaml(), { mode: 0o600 });
      logger.info({ url: server.url, kubeconfig: flags.kubeconfig, persistence: flags.data ?? 'memory' }, 'apiserver ready');
      const stop = () => void server.stop().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
};
