import { existsSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createLogger } from '../log/logger.ts';
import { startApiServer } from '../sandbox/apiserver/index.ts';
import type { RegisterCommand } from './commands.ts';
import { CliError } from './cli-error.ts';
import { readInputFile } from './input-file.ts';

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
      if (flags.data !== undefined) await checkDataFile(flags.data);
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

/** `--data` may name a file that does not exist yet (the server creates it); one that exists must be a snapshot it can load. */
async function checkDataFile(file: string): Promise<void> {
  if (!existsSync(file)) return;
  const text = await readInputFile(file, `--data ${file}`);
  try {
    JSON.parse(text);
  } catch (error) {
    throw new CliError(`--data ${file}: not a snapshot this API server wrote (not valid JSON: ${error instanceof Error ? error.message : String(error)})`);
  }
}
