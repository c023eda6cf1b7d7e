import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { Command } from 'commander';
import { API_GROUP, CANARY_API_VERSION, type Canary } from '../api/canary.ts';
import { bodyOf, isNotFound, statusCodeOf } from '../kube/api-errors.ts';
import { CliError } from './cli-error.ts';
import { loadKubeConfigFile } from './input-file.ts';

/** What a CLI command needs to talk to the cluster as the person running it. */
export interface CliKubeContext {
  kubeConfig: KubeConfig;
  custom: CustomObjectsApi;
  /** `-n`, else the current context's namespace, else `default`. */
  namespace: string;
  /** Who is asking, for manual requests: the kubeconfig's current user name, else the OS user. */
  user: string;
}

/** Options every cluster-facing CLI command accepts. */
export interface KubeOptions {
  kubeconfig?: string;
  /** The kubeconfig context to use instead of the current one (kubectl's `--context`). */
  context?: string;
  namespace?: string;
}

export { CliError };

/** Adds kubectl's cluster options to a command: `-n/--namespace`, `--kubeconfig`, `--context` (so `kubectl kanari …` reads as kubectl). */
export function withKubeOptions(command: Command, namespaceHelp = "the Canary's namespace (default: the kubeconfig context's)"): Command {
  return command
    .option('-n, --namespace <namespace>', namespaceHelp)
    .option('--kubeconfig <file>', 'kubeconfig file (default: KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to use (default: the current context)');
}

/** Loads the kubeconfig from `--kubeconfig`, `KUBECONFIG`, `~/.kube/config` or the pod's service account. */
export function loadCliKubeContext(options: KubeOptions, env: NodeJS.ProcessEnv = process.env): CliKubeContext {
  let kubeConfig = new KubeConfig();
  if (options.kubeconfig !== undefined) {
    kubeConfig = loadKubeConfigFile(options.kubeconfig);
  } else if (env.KUBECONFIG || existsSync(join(homedir(), '.kube', 'config')) || env.KUBERNETES_SERVICE_HOST) {
    kubeConfig.loadFromDefault();
  } else {
    // client-node would otherwise fall back to http://localhost:8080 and fail later with a bare ECONNREFUSED.
    throw new CliError('no kubeconfig: pass --kubeconfig FILE, set KUBECONFIG, or create ~/.kube/config');
  }
  if (options.context !== undefined) {
    if (!kubeConfig.getContextObject(options.context)) {
      throw new CliError(`--context ${options.context}: no such context in the kubeconfig (it has ${kubeConfig.getContexts().map((c) => c.name).join(', ') || 'none'})`);
    }
    kubeConfig.setCurrentContext(options.context);
  }
  if (kubeConfig.getCurrentCluster() === null) throw new CliError(`kubeconfig has no current cluster (context "${kubeConfig.getCurrentContext()}")`);
  const context = kubeConfig.getContextObject(kubeConfig.getCurrentContext());
  return {
    kubeConfig,
    custom: kubeConfig.makeApiClient(CustomObjectsApi),
    namespace: options.namespace ?? context?.namespace ?? 'default',
    user: callerIdentity(kubeConfig),
  };
}

/** The kubeconfig's current user name, else the OS user, else `unknown`. */
export function callerIdentity(kubeConfig: KubeConfig): string {
  const name = kubeConfig.getCurrentUser()?.name;
  if (name) return name;
  try {
    return userInfo().username || 'unknown';
  } catch {
    // userInfo throws when the uid has no passwd entry, as in many containers.
    return 'unknown';
  }
}

/** Where Canaries live in the API, for CustomObjectsApi calls. */
export const CANARY_RESOURCE = { group: API_GROUP, version: CANARY_API_VERSION.split('/')[1], plural: 'canaries' } as const;

/** Reads one Canary, turning "not there" and API failures into sentences for the terminal. */
export async function readCanary(context: CliKubeContext, name: string, namespace = context.namespace): Promise<Canary> {
  try {
    return (await context.custom.getNamespacedCustomObject({ ...CANARY_RESOURCE, namespace, name })) as Canary;
  } catch (err) {
    if (isNotFound(err)) throw new CliError(`canary ${name}.${namespace} not found (kubectl get canaries -n ${namespace} lists them)`);
    throw new CliError(`cannot read canary ${name}.${namespace}: ${apiErrorMessage(err)}`);
  }
}

/** The API server's own message for a failed call (its Status body), else the error's message. */
export function apiErrorMessage(err: unknown): string {
  const body = bodyOf(err);
  if (typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string') {
    return (body as { message: string }).message;
  }
  const code = statusCodeOf(err);
  if (code !== undefined) return `HTTP ${code}`;
  return err instanceof Error ? err.message : String(err);
}
