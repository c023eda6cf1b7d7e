import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import type { CanaryStatus } from '../../../src/api/canary-status.ts';
import { mergePatchOptions } from '../../../src/kube/patch.ts';
import { startSandbox, type Sandbox } from '../../helpers/sandbox.ts';
import { REPO_ROOT, runKanari, type CliRun } from '../../helpers/kanari-cli.ts';

// The real `kanari` binary on the pinned Node, against the sandbox API server, as a user runs it.
const canaries = { group: 'kanari.dev', version: 'v1alpha1', plural: 'canaries' };


/**
 * The real `kanari` binary: arguments, the caller's identity and namespace from the kubeconfig, what it
 * prints and its exit codes. Which request is refused when, and what each writes, is tested in process
 * against the same sandbox (manual-control-rules.test.ts): a child process costs seconds on a busy machine.
 */
describe('kanari promote|abort|pause|resume|retry', () => {
  let sandbox: Sandbox;
  let custom: CustomObjectsApi;
  let workDir: string;
  let kubeconfig: string;

  function kanari(...args: string[]): Promise<CliRun> {
    return runKanari(args, { KUBECONFIG: kubeconfig });
  }

  async function createCanary(name: string, namespace: string, status?: CanaryStatus, annotations?: Record<string, string>): Promise<void> {
    await custom.createNamespacedCustomObject({
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
    if (status) await custom.patchNamespacedCustomObjectStatus({ ...canaries, namespace, name, body: { status } }, mergePatchOptions());
  }

  async function annotationsOf(name: string, namespace: string): Promise<Record<string, string>> {
    const canary = (await custom.getNamespacedCustomObject({ ...canaries, namespace, name })) as { metadata: { annotations?: Record<string, string> } };
    return canary.metadata.annotations ?? {};
  }

  beforeAll(async () => {
    sandbox = await startSandbox({ namespaces: ['test', 'prod'] });
    await sandbox.installCrds(join(REPO_ROOT, 'crds/kanari.dev_canaries.yaml'));
    custom = sandbox.kubeConfig.makeApiClient(CustomObjectsApi);
    workDir = mkdtempSync(join(tmpdir(), 'kanari-manual-'));
    // The caller's identity is the kubeconfig's user name; name it alice, in context namespace "test".
    const config = parse(sandbox.server.kubeconfigYaml()) as {
      users: { name: string }[];
      contexts: { context: { user: string; namespace: string } }[];
    };
    config.users[0].name = 'alice';
    config.contexts[0].context.user = 'alice';
    config.contexts[0].context.namespace = 'test';
    kubeconfig = join(workDir, 'kubeconfig');
    writeFileSync(kubeconfig, stringify(config));

    await createCanary('podinfo', 'test', { phase: 'Progressing', canaryWeight: 20 });
    await createCanary('broken', 'test', { phase: 'Failed', failureReason: 'FailedChecks' });
  });

  afterAll(async () => {
    await sandbox?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  test('promote writes kanari.dev/promote with the caller and a time, in the context namespace', async () => {
    const before = Date.now() - 1000;
    const run = await kanari('promote', 'podinfo');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^promote requested for canary podinfo\.test by alice; the controller acts on it at its next tick \(kanari\.dev\/promote=alice@\S+Z\)\n$/);
    const value = (await annotationsOf('podinfo', 'test'))['kanari.dev/promote'];
    expect(value).toMatch(/^alice@\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(Date.parse(value.slice('alice@'.length))).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
  });

  test('promote --full writes kanari.dev/promote-full; abort writes kanari.dev/abort', async () => {
    const [full, abort] = await Promise.all([kanari('promote', 'podinfo', '--full'), kanari('abort', 'podinfo', '-n', 'test')]);
    expect(full.stdout).toMatch(/^full promotion requested for canary podinfo\.test by alice;/);
    expect(abort.stdout).toMatch(/^abort requested for canary podinfo\.test by alice;/);
    expect([full.code, abort.code]).toEqual([0, 0]);
    const annotations = await annotationsOf('podinfo', 'test');
    expect(annotations['kanari.dev/promote-full']).toMatch(/^alice@/);
    expect(annotations['kanari.dev/abort']).toMatch(/^alice@/);
  });

  test('retry of a Failed canary is written; retry of anything else is refused with exit 1', async () => {
    const [retried, refused] = await Promise.all([kanari('retry', 'broken'), kanari('retry', 'podinfo')]);
    expect(retried.code).toBe(0);
    expect((await annotationsOf('broken', 'test'))['kanari.dev/retry']).toMatch(/^alice@/);
    expect(refused).toEqual({
      code: 1,
      stdout: '',
      stderr: 'cannot retry canary podinfo.test: only a Failed canary can be retried (phase Progressing)\n',
    });
    expect((await annotationsOf('podinfo', 'test'))['kanari.dev/retry']).toBeUndefined();
  });

  test('a missing canary and a missing kubeconfig are clear errors with exit 1', async () => {
    const missing = await kanari('abort', 'nope', '-n', 'prod');
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'canary nope.prod not found (kubectl get canaries -n prod lists them)\n' });
    const noConfig = await kanari('promote', 'podinfo', '--kubeconfig', join(workDir, 'absent'));
    expect(noConfig.code).toBe(1);
    expect(noConfig.stderr).toBe(`--kubeconfig ${join(workDir, 'absent')}: cannot read: no such file\n`);
  });
});
