import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import type { CanaryStatus } from '../../../src/api/canary-status.ts';
import { mergePatchOptions } from '../../../src/kube/patch.ts';
import { eventually } from '../../helpers/eventually.ts';
import { startSandbox, type Sandbox } from '../../helpers/sandbox.ts';
import { KANARI_BIN, NODE, REPO_ROOT, runKanari, type CliRun } from '../../helpers/kanari-cli.ts';

// The real `kanari` binary on the pinned Node, against the sandbox API server, as a user runs it.
const canaries = { group: 'kanari.dev', version: 'v1alpha1', plural: 'canaries' };


const progressing: CanaryStatus = {
  phase: 'Progressing',
  canaryWeight: 30,
  failedChecks: 1,
  lastTransitionTime: transitionedAgo(125_000),
  lastAnalysisTime: '2026-11-24T07:04:00Z',
  lastAnalysis: [
    { metric: 'request-success-rate', value: 99.5, thresholdRange: { min: 99 }, result: 'pass', time: '2026-11-24T07:04:00Z' },
    { metric: 'request-duration', value: 612, thresholdRange: { max: 500 }, result: 'fail', reason: '612ms above 500ms', time: '2026-11-24T07:04:00Z' },
  ],
  conditions: [
    { type: 'Ready', status: 'True', reason: 'Ready', message: 'Canary is Progressing', lastTransitionTime: '2026-11-24T07:00:00Z' },
    { type: 'Promoted', status: 'False', reason: 'Progressing', message: 'Revision 5d8f is being rolled out.', lastTransitionTime: '2026-11-24T07:00:00Z' },
  ],
};

/** A lastTransitionTime `ms` ago; 125 s shows as "2m5s" and stays "2m…s" for the 54 s a slow process start may take. */
function transitionedAgo(ms: number): string {
  return new Date(Date.now() - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

describe('kanari status and kanari list', () => {
  let sandbox: Sandbox;
  let custom: CustomObjectsApi;
  let workDir: string;
  let kubeconfig: string;
  const children = new Set<ChildProcess>();

  function env(): NodeJS.ProcessEnv {
    return { ...process.env, KUBECONFIG: kubeconfig, NODE_OPTIONS: '' };
  }

  function kanari(...args: string[]): Promise<CliRun> {
    return runKanari(args, { KUBECONFIG: kubeconfig });
  }

  /** Starts `kanari status --watch` with stdout on a pipe (not a TTY), collecting what it prints. */
  function watchStatus(name: string) {
    const child = spawn(NODE, [KANARI_BIN, 'status', name, '--watch'], { cwd: REPO_ROOT, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const until = (predicate: (out: string) => boolean, what: string) =>
      eventually(what, () => predicate(stdout), { lastSeen: () => `stdout: ${stdout}; stderr: ${stderr}` });
    return { child, exited, until, output: () => stdout, errors: () => stderr };
  }

  async function createCanary(name: string, namespace: string, status?: CanaryStatus): Promise<void> {
    await custom.createNamespacedCustomObject({
      ...canaries,
      namespace,
      body: {
        apiVersion: 'kanari.dev/v1alpha1',
        kind: 'Canary',
        metadata: { name, namespace },
        spec: {
          targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
          service: { port: 9898 },
          analysis: { interval: '30s', threshold: 5, maxWeight: 50, stepWeight: 10 },
        },
      },
    });
    if (status) await writeStatus(name, namespace, status);
  }

  async function writeStatus(name: string, namespace: string, status: CanaryStatus): Promise<void> {
    await custom.patchNamespacedCustomObjectStatus({ ...canaries, namespace, name, body: { status } }, mergePatchOptions());
  }

  beforeAll(async () => {
    sandbox = await startSandbox({ namespaces: ['test', 'prod', 'staging'] });
    await sandbox.installCrds(join(REPO_ROOT, 'crds/kanari.dev_canaries.yaml'));
    custom = sandbox.kubeConfig.makeApiClient(CustomObjectsApi);
    workDir = mkdtempSync(join(tmpdir(), 'kanari-status-'));
    const config = parse(sandbox.server.kubeconfigYaml()) as { contexts: { context: { namespace: string } }[] };
    config.contexts[0].context.namespace = 'test';
    kubeconfig = join(workDir, 'kubeconfig');
    writeFileSync(kubeconfig, stringify(config));

    await createCanary('podinfo', 'test', progressing);
    await createCanary('api', 'prod', { phase: 'Failed', failedChecks: 5, failureReason: 'FailedChecks', conditions: [{ type: 'Ready', status: 'False' }] });
    await createCanary('web', 'staging');
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await sandbox?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  test('status shows phase with its age, weight, step, failed checks, metrics against thresholds and conditions', async () => {
    await writeStatus('podinfo', 'test', { lastTransitionTime: transitionedAgo(125_000) });
    const run = await kanari('status', 'podinfo');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('Canary podinfo.test (canary, target Deployment/podinfo)');
    expect(lines[1]).toMatch(/^Phase: {9}Progressing for 2m\d+s \(since \S+Z\)$/);
    expect(lines.slice(2)).toEqual(expect.arrayContaining([
      'Weight:        [██████░░░░░░░░░░░░░░] 30% canary / 70% primary',
      'Step:          step 3 of 5 (weights 10, 20, 30, 40, 50; max 50)',
      'Failed checks: 1/5 (rolls back at 5)',
      '  METRIC                 VALUE   THRESHOLD   RESULT',
      '  request-success-rate   99.5%   ≥ 99%       pass',
      '  request-duration       612ms   ≤ 500ms     fail: 612ms above 500ms',
      'Conditions:',
    ]));
    expect(lines.some((line) => /^ {2}Promoted +False +Progressing +\S+ +Revision 5d8f is being rolled out\.$/.test(line))).toBe(true);
  });

  test('status of a missing canary is a clear error with exit 1', async () => {
    expect(await kanari('status', 'nope', '-n', 'prod')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'canary nope.prod not found (kubectl get canaries -n prod lists them)\n',
    });
  });

  test('list shows the table for the context namespace, one namespace, and all of them', async () => {
    await writeStatus('podinfo', 'test', { lastTransitionTime: transitionedAgo(125_000) });
    const [here, prod, all] = await Promise.all([kanari('list'), kanari('list', '-n', 'prod'), kanari('list', '-A')]);
    expect(here.stdout.split('\n')[1]).toMatch(/^test {8}podinfo {3}Progressing {3}30 {7}1\/5 {6}2m\d+s +True$/);
    expect(here.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(prod.stdout).toBe([
      'NAMESPACE   NAME   PHASE    WEIGHT   FAILED   LAST TRANSITION   READY',
      'prod        api    Failed   0        5/5      -                 False',
      '',
    ].join('\n'));
    const rows = all.stdout.trimEnd().split('\n');
    expect(rows[0]).toBe('NAMESPACE   NAME      PHASE         WEIGHT   FAILED   LAST TRANSITION   READY');
    expect(rows.slice(1).map((row) => row.split(/ +/).slice(0, 3))).toEqual([
      ['prod', 'api', 'Failed'],
      ['staging', 'web', 'New'],
      ['test', 'podinfo', 'Progressing'],
    ]);
    expect([here.code, prod.code, all.code]).toEqual([0, 0, 0]);
  });

  test('status --watch on a pipe prints a new block when the status changes', async () => {
    await createCanary('watched', 'test', { ...progressing, canaryWeight: 10 });
    const watcher = watchStatus('watched');
    await watcher.until((out) => out.includes('10% canary'), 'the first block');
    await writeStatus('watched', 'test', { canaryWeight: 20 });
    await watcher.until((out) => out.includes('20% canary'), 'the block after the change');
    await writeStatus('watched', 'test', { phase: 'WaitingPromotion', canaryWeight: 50 });
    await watcher.until((out) => out.includes('promotion waits for approval'), 'the WaitingPromotion block');

    const blocks = watcher.output().split('\n\n');
    expect(blocks).toHaveLength(3);
    expect(blocks.map((block) => block.split('\n')[0])).toEqual(Array(3).fill('Canary watched.test (canary, target Deployment/watched)'));
    expect(blocks.map((block) => block.match(/Step: +(step \d of 5)/)?.[1])).toEqual(['step 1 of 5', 'step 2 of 5', 'step 5 of 5']);
    expect(watcher.errors()).toBe('');
    watcher.child.kill('SIGTERM');
    await watcher.exited;
  });

  test('status --watch ends with exit 0 when the canary is deleted', async () => {
    await createCanary('brief', 'test', { phase: 'Succeeded' });
    const watcher = watchStatus('brief');
    await watcher.until((out) => out.includes('Phase:         Succeeded'), 'the first block');
    await custom.deleteNamespacedCustomObject({ ...canaries, namespace: 'test', name: 'brief' });
    expect(await watcher.exited).toBe(0);
    expect(watcher.output().trimEnd().split('\n').at(-1)).toBe('canary brief.test was deleted');
  });
});
