import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import type { CanaryStatus } from '../../../src/api/canary-status.ts';
import type { ManualRequestKind } from '../../../src/api/annotations.ts';
import { requestManualAction } from '../../../src/cli/manual-control.ts';
import { mergePatchOptions } from '../../../src/kube/patch.ts';
import { REPO_ROOT } from '../../helpers/kanari-cli.ts';
import { startSandbox, type Sandbox } from '../../helpers/sandbox.ts';

/**
 * What `kanari promote|abort|pause|resume|retry` refuses and writes, run in process (the command's own
 * function, the kubeconfig file of user alice) against the sandbox API server. The binary itself, its
 * output and exit codes, are tested in manual-control.test.ts. An error's message is what the binary
 * prints on stderr.
 */
const canaries = { group: 'kanari.dev', version: 'v1alpha1', plural: 'canaries' };

describe('kanari manual control: which requests are refused, what is written', () => {
  let sandbox: Sandbox;
  let custom: CustomObjectsApi;
  let workDir: string;
  let kubeconfig: string;

  /** Runs the command as alice would, with `-n namespace` when given. */
  const request = (kind: ManualRequestKind, name: string, namespace?: string) => requestManualAction(kind, name, { kubeconfig, namespace });

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
    workDir = mkdtempSync(join(tmpdir(), 'kanari-manual-rules-'));
    const config = parse(sandbox.server.kubeconfigYaml()) as { users: { name: string }[]; contexts: { context: { user: string; namespace: string } }[] };
    config.users[0].name = 'alice';
    config.contexts[0].context.user = 'alice';
    config.contexts[0].context.namespace = 'test';
    kubeconfig = join(workDir, 'kubeconfig');
    writeFileSync(kubeconfig, stringify(config));

    await createCanary('done', 'test', { phase: 'Succeeded' });
    await createCanary('held', 'prod', { phase: 'Progressing', paused: { by: 'bob', at: '2026-11-24T07:00:00Z' } });
  });

  afterAll(async () => {
    await sandbox?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  test('promote and abort outside a run are refused, naming the phase', async () => {
    await expect(request('promote', 'done')).rejects.toThrow(
      new Error('cannot promote canary done.test: nothing to promote in phase Succeeded; promote acts while Waiting, Progressing, WaitingPromotion'),
    );
    await expect(request('abort', 'done')).rejects.toThrow(new Error('cannot abort canary done.test: nothing to abort in phase Succeeded; abort acts while Waiting, Progressing, WaitingPromotion'));
    expect(await annotationsOf('done', 'test')).toEqual({});
  });

  test('resume of a paused canary is written; pause of it is refused, naming who paused', async () => {
    await expect(request('pause', 'held', 'prod')).rejects.toThrow(new Error('cannot pause canary held.prod: already paused (by bob since 2026-11-24T07:00:00Z)'));
    expect(await request('resume', 'held', 'prod')).toMatch(/^resume requested for canary held\.prod by alice;/);
    expect((await annotationsOf('held', 'prod'))['kanari.dev/resume']).toMatch(/^alice@/);
  });

  test('resume of a canary that is not paused is refused; a pause not yet acted on counts as paused', async () => {
    await expect(request('resume', 'done')).rejects.toThrow(new Error('cannot resume canary done.test: it is not paused'));

    expect(await request('pause', 'done')).toMatch(/^pause requested for canary done\.test by alice;/);
    await expect(request('pause', 'done')).rejects.toThrow(new Error('cannot pause canary done.test: already paused (by alice, not yet acted on by the controller)'));
    // The controller records the pause as handled and sets status.paused; resume is then accepted.
    const value = (await annotationsOf('done', 'test'))['kanari.dev/pause'];
    await custom.patchNamespacedCustomObjectStatus(
      { ...canaries, namespace: 'test', name: 'done', body: { status: { paused: { by: 'alice', at: '2026-11-24T07:05:00Z' }, handledRequests: { pause: value } } } },
      mergePatchOptions(),
    );
    expect(await request('resume', 'done')).toMatch(/^resume requested for canary done\.test by alice;/);
  });

  test('a GitOps-written annotation handled by the controller does not block a new CLI request', async () => {
    await createCanary('gitops', 'test', { phase: 'Progressing', handledRequests: { pause: 'carol' } }, { 'kanari.dev/pause': 'carol' });
    expect(await request('pause', 'gitops')).toMatch(/^pause requested for canary gitops\.test by alice;/);
    expect((await annotationsOf('gitops', 'test'))['kanari.dev/pause']).toMatch(/^alice@/);
  });
});
