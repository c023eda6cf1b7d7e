import { execFile, spawn } from 'node:child_process';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import { eventually } from '../helpers/eventually.ts';
import { KANARI_BIN, NODE, REPO_ROOT } from '../helpers/kanari-cli.ts';
import { DEFAULT_KUBECTL } from '../helpers/kubectl.ts';

// `kanari playground --keep` after the bad release, then the first command its hints suggest, run as
// printed: the release it ships must be judged on its own, not carry the bad release's ERROR_RATE.
describe('kanari playground --keep', () => {
  test('after a rolled-back release, the suggested `kubectl set image` is promoted', async () => {
    const child = spawn(NODE, [KANARI_BIN, 'playground', '--scenario', 'bad-release', '--keep'], {
      cwd: REPO_ROOT,
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await eventually('the --keep hints', () => stdout.includes('Users call podinfo'), { timeoutMs: 120_000, lastSeen: () => stdout.slice(-2000) });
      expect(stdout).toContain("podinfo: Deployment set back to v1, the release podinfo-primary serves, so the next release does not carry v3's ERROR_RATE=0.5 along");
      const hints = stdout.slice(stdout.indexOf('Everything keeps running'));
      const kubeconfig = /export KUBECONFIG=(\S+)/.exec(hints)?.[1] ?? '';
      const setImage = hints.split('\n').find((line) => line.includes(' set image '))?.replace(/#.*$/, '').trim() ?? '';
      expect(setImage).toBe(`kubectl --kubeconfig ${kubeconfig} set image deploy/podinfo app=ghcr.io/stefanprodan/podinfo:6.0.3`);

      const afterHints = stdout.length;
      await runHint(setImage.split(/\s+/).slice(1), kubeconfig);
      const outcome = await eventually(
        'the shipped release to end',
        () => /podinfo +(Succeeded|Failed)/.exec(stdout.slice(afterHints))?.[1],
        { timeoutMs: 120_000, lastSeen: () => stdout.slice(afterHints).slice(-2000) },
      );
      expect({ outcome, output: outcome === 'Succeeded' ? '' : stdout.slice(afterHints) }).toEqual({ outcome: 'Succeeded', output: '' });
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromFile(kubeconfig);
      const primary = await kubeConfig.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: 'podinfo-primary', namespace: 'default' });
      const container = primary.spec?.template.spec?.containers[0];
      expect(container?.image).toBe('ghcr.io/stefanprodan/podinfo:6.0.3');
      expect(container?.env?.map((e) => e.name)).not.toContain('ERROR_RATE');
    } finally {
      child.kill('SIGINT');
      await exited;
    }
    expect(stdout).toContain('stopping…');
  }, 300_000);
});

// The hint as printed, with the machine's kubectl; without one, the same change through the API.
async function runHint(args: string[], kubeconfig: string): Promise<void> {
  if (DEFAULT_KUBECTL) {
    await new Promise<void>((resolve, reject) => {
      execFile(DEFAULT_KUBECTL!, args, { timeout: 60_000 }, (error, out, err) => (error ? reject(new Error(`kubectl ${args.join(' ')}: ${err || out}`)) : resolve()));
    });
    return;
  }
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfig);
  const image = args.at(-1)!.split('=')[1];
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const deployment = await apps.readNamespacedDeployment({ name: 'podinfo', namespace: 'default' });
  deployment.spec!.template.spec!.containers[0].image = image;
  await apps.replaceNamespacedDeployment({ name: 'podinfo', namespace: 'default', body: deployment });
}
