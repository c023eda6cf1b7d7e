import type { ManualRequestKind } from '../../../src/api/annotations.ts';
import { requestManualAction } from '../../../src/cli/manual-control.ts';
import { ManualControlCluster } from './manual-control-cluster.ts';

/**
 * What `kanari promote|abort|pause|resume|retry` refuses and writes, run in process (the command's own
 * function, the kubeconfig file of user alice) against the sandbox API server. The binary itself, its
 * output and exit codes, are tested in manual-control.test.ts. An error's message is what the binary
 * prints on stderr.
 */
describe('kanari manual control: which requests are refused, what is written', () => {
  let cluster: ManualControlCluster;

  /** Runs the command as alice would, with `-n namespace` when given. */
  const request = (kind: ManualRequestKind, name: string, namespace?: string) => requestManualAction(kind, name, { kubeconfig: cluster.kubeconfig, namespace });
  const annotationsOf = (name: string, namespace: string) => cluster.annotationsOf(name, namespace);

  beforeAll(async () => {
    cluster = await ManualControlCluster.start();
    await cluster.createCanary('done', 'test', { phase: 'Succeeded' });
    await cluster.createCanary('held', 'prod', { phase: 'Progressing', paused: { by: 'bob', at: '2026-11-24T07:00:00Z' } });
  });

  afterAll(async () => {
    await cluster?.stop();
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
    await cluster.setStatus('done', 'test', { paused: { by: 'alice', at: '2026-11-24T07:05:00Z' }, handledRequests: { pause: value } });
    expect(await request('resume', 'done')).toMatch(/^resume requested for canary done\.test by alice;/);
  });

  test('a GitOps-written annotation handled by the controller does not block a new CLI request', async () => {
    await cluster.createCanary('gitops', 'test', { phase: 'Progressing', handledRequests: { pause: 'carol' } }, { 'kanari.dev/pause': 'carol' });
    expect(await request('pause', 'gitops')).toMatch(/^pause requested for canary gitops\.test by alice;/);
    expect((await annotationsOf('gitops', 'test'))['kanari.dev/pause']).toMatch(/^alice@/);
  });
});
