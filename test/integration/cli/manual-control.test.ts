import { join } from 'node:path';
import { runKanari, type CliRun } from '../../helpers/kanari-cli.ts';
import { ManualControlCluster } from './manual-control-cluster.ts';

/**
 * The real `kanari` binary on the pinned Node, against the sandbox API server, as a user runs it:
 * arguments, the caller's identity and namespace from the kubeconfig, what it prints and its exit codes.
 * Which request is refused when, and what each writes, is tested in process against the same sandbox
 * (manual-control-rules.test.ts): a child process costs seconds on a busy machine.
 */
describe('kanari promote|abort|pause|resume|retry', () => {
  let cluster: ManualControlCluster;

  function kanari(...args: string[]): Promise<CliRun> {
    return runKanari(args, { KUBECONFIG: cluster.kubeconfig });
  }
  const annotationsOf = (name: string, namespace: string) => cluster.annotationsOf(name, namespace);

  beforeAll(async () => {
    cluster = await ManualControlCluster.start();
    await cluster.createCanary('podinfo', 'test', { phase: 'Progressing', canaryWeight: 20 });
    await cluster.createCanary('broken', 'test', { phase: 'Failed', failureReason: 'FailedChecks' });
  });

  afterAll(async () => {
    await cluster?.stop();
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
    const noConfig = await kanari('promote', 'podinfo', '--kubeconfig', join(cluster.workDir, 'absent'));
    expect(noConfig.code).toBe(1);
    expect(noConfig.stderr).toBe(`--kubeconfig ${join(cluster.workDir, 'absent')}: cannot read: no such file\n`);
  });
});
