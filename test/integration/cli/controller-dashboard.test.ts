import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { KANARI_BIN, NODE, REPO_ROOT } from '../../helpers/kanari-cli.ts';
import { startSandbox, type Sandbox } from '../../helpers/sandbox.ts';

// `kanari controller` serving the dashboard, switched on the way the chart does it: the environment
// variables its Deployment reads from the <release>-dashboard ConfigMap.
describe('kanari controller with the dashboard on', () => {
  let sandbox: Sandbox;
  let dir: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ namespaces: ['shop'] });
    await sandbox.installCrds(...['canaries', 'metrictemplates', 'alertproviders'].map((plural) => join(REPO_ROOT, `crds/kanari.dev_${plural}.yaml`)));
    await sandbox.kubeConfig.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: 'kanari.dev', version: 'v1alpha1', namespace: 'shop', plural: 'canaries',
      body: { apiVersion: 'kanari.dev/v1alpha1', kind: 'Canary', metadata: { name: 'web' }, spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, service: { port: 80 }, analysis: { interval: '1m' } } },
    });
    dir = mkdtempSync(join(tmpdir(), 'kanari-controller-dashboard-'));
    writeFileSync(join(dir, 'kubeconfig'), sandbox.server.kubeconfigYaml(), { mode: 0o600 });
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts the controller with these environment variables; resolves with the dashboard's URL from its log. */
  async function controllerWith(env: Record<string, string>): Promise<{ url: string; actions: boolean }> {
    const child = spawn(NODE, [KANARI_BIN, 'controller', `--kubeconfig=${join(dir, 'kubeconfig')}`, '--namespace=shop', '--metrics-addr=127.0.0.1:0'], {
      env: { ...process.env, NODE_OPTIONS: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no dashboard in the log within 30s: ${output}`)), 30_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const line = output.split('\n').find((l) => l.includes('"msg":"serving the dashboard"'));
        if (!line) return;
        clearTimeout(timer);
        resolve(JSON.parse(line) as { url: string; actions: boolean });
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
    });
  }

  test('KANARI_DASHBOARD_ADDRESS serves it and KANARI_DASHBOARD_ACTIONS=true allows actions; "false" does not', async () => {
    const on = await controllerWith({ KANARI_DASHBOARD_ADDRESS: '127.0.0.1:0', KANARI_DASHBOARD_ACTIONS: 'true' });
    expect(on.actions).toBe(true);
    expect(await (await fetch(new URL('api/config', on.url))).json()).toEqual({ actions: true, title: '' });
    const deadline = Date.now() + 20_000;
    let listed: { namespace: string; name: string }[] = [];
    while (listed.length === 0 && Date.now() < deadline) {
      listed = (await (await fetch(new URL('api/canaries', on.url))).json()) as typeof listed;
      if (listed.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(listed.map((c) => `${c.namespace}/${c.name}`)).toEqual(['shop/web']);
    expect((await fetch(on.url)).headers.get('content-security-policy')).toContain("default-src 'self'");

    const off = await controllerWith({ KANARI_DASHBOARD_ADDRESS: '127.0.0.1:0', KANARI_DASHBOARD_ACTIONS: 'false' });
    expect(off.actions).toBe(false);
    const refused = await fetch(new URL('api/canaries/shop/web/actions/promote', off.url), { method: 'POST', headers: { authorization: `Bearer ${sandbox.server.token}` } });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { message: string }).message).toContain('manual actions are off on this dashboard');
  }, 90_000);
});
