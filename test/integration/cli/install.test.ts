import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { nodeTooOld, REQUIRED_NODE } from '../../../bin/node-version.js';
import { NODE, REPO_ROOT } from '../../helpers/kanari-cli.ts';
import { startSandbox } from '../../helpers/sandbox.ts';

/**
 * `kanari` on the PATH the ways Node users expect, each run as a user would: `npx kanari` in the clone,
 * `npm install -g .` (what `npm link` does: a link to the clone), and the packed tarball installed
 * globally. Global installs go to a temporary prefix, never the machine's.
 */

const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
// The pinned Node 24's folder first, as `npm install` leaves it for scripts; npm itself from the PATH.
const PATH_WITH_NODE_24 = `${dirname(NODE)}:${process.env.PATH ?? ''}`;
const EXAMPLE = join(REPO_ROOT, 'examples/canary.yaml');

function run(command: string, args: string[], options: { cwd?: string; path?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, NODE_OPTIONS: '', PATH: options.path ?? process.env.PATH ?? '' };
    execFile(command, args, { cwd: options.cwd ?? REPO_ROOT, env, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

let prefixes: string[] = [];
function temporaryPrefix(): string {
  const prefix = mkdtempSync(join(tmpdir(), 'kanari-install-'));
  prefixes.push(prefix);
  return prefix;
}
afterAll(() => {
  for (const prefix of prefixes) rmSync(prefix, { recursive: true, force: true });
  prefixes = [];
});

test('npx kanari in the clone prints the version and validates a file', async () => {
  const shown = await run('npx', ['kanari', '--version'], { path: PATH_WITH_NODE_24 });
  expect(shown).toMatchObject({ code: 0 });
  expect(shown.stdout.trim()).toBe(version);
  const validated = await run('npx', ['kanari', 'validate', EXAMPLE], { path: PATH_WITH_NODE_24 });
  expect(validated.stdout).toContain('OK: 3 Kanari objects valid');
}, 120_000);

test('npm install -g of the clone (a link, as npm link makes) puts a working kanari on the PATH', async () => {
  const prefix = temporaryPrefix();
  const installed = await run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', REPO_ROOT]);
  expect(installed.code).toBe(0);
  const shown = await run(join(prefix, 'bin/kanari'), ['--version'], { path: PATH_WITH_NODE_24 });
  expect(shown.stdout.trim()).toBe(version);
}, 180_000);

test('the packed tarball installed globally runs the compiled CLI', async () => {
  const folder = temporaryPrefix();
  // prepack builds dist/: an installed package cannot run TypeScript from node_modules.
  const packed = await run('npm', ['pack', '--pack-destination', folder, '--silent']);
  expect(packed.code).toBe(0);
  const tarball = readdirSync(folder).find((file) => file.endsWith('.tgz'));
  expect(tarball).toBe(`kanari-${version}.tgz`);
  const prefix = temporaryPrefix();
  const installed = await run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(folder, tarball!)]);
  expect(installed.code).toBe(0);
  // Compiled code and what it reads at run time (the sandbox's vendored schemas, the dashboard's page), no sources.
  const shipped = readdirSync(join(prefix, 'lib/node_modules/kanari'));
  expect(shipped).toEqual(expect.arrayContaining(['bin', 'crds', 'dist', 'third_party', 'web']));
  expect(shipped).not.toContain('src');
  const shown = await run(join(prefix, 'bin/kanari'), ['--version'], { path: PATH_WITH_NODE_24 });
  expect(shown.stdout.trim()).toBe(version);
  const validated = await run(join(prefix, 'bin/kanari'), ['validate', EXAMPLE], { path: PATH_WITH_NODE_24 });
  expect(validated.stdout).toContain('OK: 3 Kanari objects valid');
  // The kubectl plugin comes with it, and the dashboard serves its page and Chart.js from the package itself.
  const plugin = await run(join(prefix, 'bin/kubectl-kanari'), ['--help'], { path: PATH_WITH_NODE_24 });
  expect(plugin.stdout).toContain('Usage: kubectl kanari [options] [command]');
  await expectDashboardServesAssets(join(prefix, 'bin/kanari'));
}, 240_000);

/** Starts the installed `kanari dashboard` against a sandbox and fetches the page, a script and Chart.js. */
async function expectDashboardServesAssets(kanari: string): Promise<void> {
  const sandbox = await startSandbox();
  const folder = temporaryPrefix();
  const kubeconfig = join(folder, 'kubeconfig');
  writeFileSync(kubeconfig, sandbox.server.kubeconfigYaml(), { mode: 0o600 });
  const child = spawn(kanari, ['dashboard', '--kubeconfig', kubeconfig, '--address', '127.0.0.1:0'], { env: { ...process.env, NODE_OPTIONS: '', PATH: PATH_WITH_NODE_24 } });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let printed = '';
      child.stdout.on('data', (chunk: Buffer) => {
        printed += chunk.toString();
        const found = /(http:\/\/\S+\/)/.exec(printed);
        if (found) resolve(found[1]);
      });
      child.on('exit', (code) => reject(new Error(`kanari dashboard exited ${code}: ${printed}`)));
    });
    for (const path of ['', 'assets/app.js', 'assets/chart.umd.min.js']) {
      const response = await fetch(new URL(path, url));
      expect([path, response.status]).toEqual([path, 200]);
    }
  } finally {
    child.kill('SIGTERM');
    await sandbox.stop();
  }
}

describe('on a Node.js that is too old', () => {
  test('the version check names the versions and what to do', () => {
    expect(nodeTooOld('20.20.2')).toBe(true);
    expect(nodeTooOld('v22.18.9')).toBe(true);
    expect(nodeTooOld(REQUIRED_NODE)).toBe(false);
    expect(nodeTooOld('24.0.0')).toBe(false);
  });

  // These machines' own Node.js (on the PATH without node_modules/.bin) is 20: the case a new user meets.
  const systemNode = '/usr/bin/node';
  test('kanari prints what to do instead of a stack trace', async () => {
    const probe = await run(systemNode, ['--version']);
    if (probe.code !== 0 || !nodeTooOld(probe.stdout.trim())) {
      console.warn(`skipped: ${systemNode} is ${probe.stdout.trim() || 'missing'}, not older than ${REQUIRED_NODE}`);
      return;
    }
    const ran = await run(systemNode, [join(REPO_ROOT, 'bin/kanari.js'), 'status', 'podinfo']);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain(`kanari needs Node.js ${REQUIRED_NODE} or newer; this is Node.js ${probe.stdout.trim().replace(/^v/, '')}.`);
    expect(ran.stderr).toContain('npx kanari');
    expect(ran.stderr).not.toMatch(/\n\s+at /);
  });
});
