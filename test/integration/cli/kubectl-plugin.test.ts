import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { mergePatchOptions } from '../../../src/kube/patch.ts';
import { kubeconfigDocument } from '../../../src/sandbox/apiserver/kubeconfig.ts';
import { NODE, REPO_ROOT } from '../../helpers/kanari-cli.ts';
import { startSandbox, type Sandbox } from '../../helpers/sandbox.ts';

// `kubectl kanari …` through the real kubectl, which finds kubectl-kanari on the PATH, with kubectl's
// --context, -n and --kubeconfig conventions.
const KUBECTL = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((path) => existsSync(path));
const describeWithKubectl = KUBECTL ? describe : describe.skip;
if (!KUBECTL) console.warn('kubectl plugin suite skipped: no kubectl binary found in /usr/bin or /usr/local/bin');

describeWithKubectl('kubectl kanari, the kubectl plugin', () => {
  let sandbox: Sandbox;
  let dir: string;
  let kubeconfig: string;

  /** Runs kubectl with the plugin and the pinned Node first on the PATH, as `npm install -g` leaves them. */
  const kubectl = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const env = { ...process.env, NODE_OPTIONS: '', KUBECONFIG: kubeconfig, PATH: `${join(dir, 'bin')}:${dirname(NODE)}:${process.env.PATH ?? ''}` };
      execFile(KUBECTL!, args, { env, timeout: 30_000 }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
    });

  beforeAll(async () => {
    sandbox = await startSandbox({ namespaces: ['shop'] });
    await sandbox.installCrds(join(REPO_ROOT, 'crds/kanari.dev_canaries.yaml'));
    await sandbox.kubeConfig.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: 'kanari.dev', version: 'v1alpha1', namespace: 'shop', plural: 'canaries',
      body: { apiVersion: 'kanari.dev/v1alpha1', kind: 'Canary', metadata: { name: 'web' }, spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, service: { port: 80 }, analysis: { interval: '1m' } } },
    });
    await sandbox.kubeConfig.makeApiClient(CustomObjectsApi).patchNamespacedCustomObjectStatus(
      { group: 'kanari.dev', version: 'v1alpha1', namespace: 'shop', plural: 'canaries', name: 'web', body: { status: { phase: 'Progressing', canaryWeight: 20 } } },
      mergePatchOptions(),
    );
    dir = mkdtempSync(join(tmpdir(), 'kanari-plugin-'));
    // What `npm install -g` makes of package.json's bin: a kubectl-kanari link on the PATH.
    mkdirSync(join(dir, 'bin'));
    symlinkSync(join(REPO_ROOT, 'bin/kubectl-kanari.js'), join(dir, 'bin', 'kubectl-kanari'));
    // Two contexts: the current one points at nothing, `--context sandbox` at the sandbox.
    const document = kubeconfigDocument({ url: sandbox.server.url, token: sandbox.server.token, caCert: undefined, name: 'sandbox' }) as { clusters: unknown[]; users: unknown[]; contexts: unknown[] };
    document.clusters.push({ name: 'elsewhere', cluster: { server: 'http://127.0.0.1:1', 'insecure-skip-tls-verify': true } });
    document.contexts.push({ name: 'elsewhere', context: { cluster: 'elsewhere', user: 'sandbox', namespace: 'default' } });
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, stringify({ ...document, 'current-context': 'elsewhere' }), { mode: 0o600 });
  });
  afterAll(async () => {
    await sandbox?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('kubectl plugin list finds it', async () => {
    const listed = await kubectl('plugin', 'list');
    expect(listed.stdout).toContain(join(dir, 'bin', 'kubectl-kanari'));
  });

  test('kubectl kanari status and list with --context and -n', async () => {
    const status = await kubectl('kanari', 'status', 'web', '--context', 'sandbox', '-n', 'shop');
    expect(status).toMatchObject({ code: 0, stderr: '' });
    expect(status.stdout).toContain('Canary web.shop');
    expect(status.stdout).toMatch(/Weight:\s+.* 20% canary/);
    const list = await kubectl('kanari', 'list', '-A', '--context=sandbox');
    expect(list.stdout).toMatch(/shop\s+web\s+Progressing\s+20/);
    const unknown = await kubectl('kanari', 'status', 'web', '--context', 'nowhere', '-n', 'shop');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('--context nowhere: no such context in the kubeconfig (it has sandbox, elsewhere)');
  });

  test('kubectl kanari promote writes the annotation the engine reads; help names the program as kubectl does', async () => {
    const promoted = await kubectl('kanari', 'promote', 'web', '--namespace', 'shop', '--context', 'sandbox');
    expect(promoted.stdout).toContain('promote requested for canary web.shop');
    const canary = (await sandbox.kubeConfig.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ group: 'kanari.dev', version: 'v1alpha1', namespace: 'shop', plural: 'canaries', name: 'web' })) as { metadata: { annotations?: Record<string, string> } };
    expect(canary.metadata.annotations?.['kanari.dev/promote']).toMatch(/^sandbox@/);
    expect((await kubectl('kanari', '--help')).stdout).toContain('Usage: kubectl kanari [options] [command]');
  });
});
