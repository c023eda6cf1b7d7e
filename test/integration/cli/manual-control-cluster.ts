import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import type { CanaryStatus } from '../../../src/api/canary-status.ts';
import { mergePatchOptions } from '../../../src/kube/patch.ts';
import { REPO_ROOT } from '../../helpers/kanari-cli.ts';
import { startSandbox, type Sandbox } from '../../helpers/sandbox.ts';

const canaries = { group: 'kanari.dev', version: 'v1alpha1', plural: 'canaries' };

/**
 * The cluster both manual-control suites run against: the sandbox API server with namespaces "test" and
 * "prod", and a kubeconfig file whose user is alice in context namespace "test" (the caller's identity
 * is the kubeconfig's user name).
 */
export class ManualControlCluster {
  readonly sandbox: Sandbox;
  readonly custom: CustomObjectsApi;
  readonly workDir: string;
  readonly kubeconfig: string;

  private constructor(sandbox: Sandbox, workDir: string, kubeconfig: string) {
    this.sandbox = sandbox;
    this.custom = sandbox.kubeConfig.makeApiClient(CustomObjectsApi);
    this.workDir = workDir;
    this.kubeconfig = kubeconfig;
  }

  static async start(): Promise<ManualControlCluster> {
    const sandbox = await startSandbox({ namespaces: ['test', 'prod'] });
    await sandbox.installCrds(join(REPO_ROOT, 'crds/kanari.dev_canaries.yaml'));
    const workDir = mkdtempSync(join(tmpdir(), 'kanari-manual-'));
    const config = parse(sandbox.server.kubeconfigYaml()) as { users: { name: string }[]; contexts: { context: { user: string; namespace: string } }[] };
    config.users[0].name = 'alice';
    config.contexts[0].context.user = 'alice';
    config.contexts[0].context.namespace = 'test';
    const kubeconfig = join(workDir, 'kubeconfig');
    writeFileSync(kubeconfig, stringify(config));
    return new ManualControlCluster(sandbox, workDir, kubeconfig);
  }

  async stop(): Promise<void> {
    await this.sandbox.stop();
    rmSync(this.workDir, { recursive: true, force: true });
  }

  async createCanary(name: string, namespace: string, status?: CanaryStatus, annotations?: Record<string, string>): Promise<void> {
    await this.custom.createNamespacedCustomObject({
      ...canaries,
      namespace,
      body: {
        apiVersion: 'kanari.dev/v1alpha1',
        kind: 'Canary',
        metadata: { name, namespace, annotations },
        spec: {
          targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
          service: { port: 9898 },
          analysis: { interval: '30s', threshold: 5, maxWeight: 50, stepWeight: 10 },
        },
      },
    });
    if (status) await this.setStatus(name, namespace, status);
  }

  /** Writes status as the controller would (a merge patch of the status subresource). */
  async setStatus(name: string, namespace: string, status: CanaryStatus): Promise<void> {
    await this.custom.patchNamespacedCustomObjectStatus({ ...canaries, namespace, name, body: { status } }, mergePatchOptions());
  }

  async annotationsOf(name: string, namespace: string): Promise<Record<string, string>> {
    const canary = (await this.custom.getNamespacedCustomObject({ ...canaries, namespace, name })) as { metadata: { annotations?: Record<string, string> } };
    return canary.metadata.annotations ?? {};
  }
}
