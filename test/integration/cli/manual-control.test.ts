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
    await createCanary('done', 'test', { phase: 'Succeeded' });
    await createCanary('broken', 'test', { phase: 'Failed', failureReason: 'FailedChecks' });
    await createCanary('held', 'prod', { phase: 'Progressing', paused: { by: 'bob', at: '2026-11-24T07:00:00Z' } });
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

  test('promote and abort outside a run are refused, naming the phase', async () => {
    const [promote, abort] = await Promise.all([kanari('promote', 'done'), kanari('abort', 'done')]);
    expect(promote.code).toBe(1);
    expect(promote.stderr).toBe('cannot promote canary done.test: nothing to promote in phase Succeeded; promote acts while Waiting, Progressing, WaitingPromotion\n');
    expect(abort.code).toBe(1);
    expect(abort.stderr).toBe('cannot abort canary done.test: nothing to abort in phase Succeeded; abort acts while Waiting, Progressing, WaitingPromotion\n');
    expect(await annotationsOf('done', 'test')).toEqual({});
  });

  test('resume of a paused canary is written; pause of it is refused, naming who paused', async () => {
    const pause = await kanari('pause', 'held', '-n', 'prod');
    expect(pause).toEqual({ code: 1, stdout: '', stderr: 'cannot pause canary held.prod: already paused (by bob since 2026-11-24T07:00:00Z)\n' });
    const resume = await kanari('resume', 'held', '-n', 'prod');
    expect(resume.code).toBe(0);
    expect(resume.stdout).toMatch(/^resume requested for canary held\.prod by alice;/);
    expect((await annotationsOf('held', 'prod'))['kanari.dev/resume']).toMatch(/^alice@/);
  });

  test('resume of a canary that is not paused is refused; a pause not yet acted on counts as paused', async () => {
    const notPaused = await kanari('resume', 'done');
    expect(notPaused).toEqual({ code: 1, stdout: '', stderr: 'cannot resume canary done.test: it is not paused\n' });

    const pause = await kanari('pause', 'done');
    expect(pause.code).toBe(0);
    expect(pause.stdout).toMatch(/^pause requested for canary done\.test by alice;/);
    const again = await kanari('pause', 'done');
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('cannot pause canary done.test: already paused (by alice, not yet acted on by the controller)\n');
    // The controller records the pause as handled and sets status.paused; resume is then accepted.
    const value = (await annotationsOf('done', 'test'))['kanari.dev/pause'];
    await custom.patchNamespacedCustomObjectStatus(
      { ...canaries, namespace: 'test', name: 'done', body: { status: { paused: { by: 'alice', at: '2026-11-24T07:05:00Z' }, handledRequests: { pause: value } } } },
      mergePatchOptions(),
    );
    expect((await kanari('resume', 'done')).code).toBe(0);
  });

  test('a GitOps-written annotation handled by the controller does not block a new CLI request', async () => {
    await createCanary('gitops', 'test', { phase: 'Progressing', handledRequests: { pause: 'carol' } }, { 'kanari.dev/pause': 'carol' });
    const pause = await kanari('pause', 'gitops');
    expect(pause.code).toBe(0);
    expect((await annotationsOf('gitops', 'test'))['kanari.dev/pause']).toMatch(/^alice@/);
  });

  test('a missing canary and a missing kubeconfig are clear errors with exit 1', async () => {
    const missing = await kanari('abort', 'nope', '-n', 'prod');
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'canary nope.prod not found (kubectl get canaries -n prod lists them)\n' });
    const noConfig = await kanari('promote', 'podinfo', '--kubeconfig', join(workDir, 'absent'));
    expect(noConfig.code).toBe(1);
    expect(noConfig.stderr).toBe(`--kubeconfig ${join(workDir, 'absent')}: no such file\n`);
  });
});
