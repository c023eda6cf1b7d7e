import { spawn } from 'node:child_process';

// The README's first command, `npm start`, run as a person's CI would (not on a terminal); CI runs this
// suite in a fresh clone, so this is the fresh-clone smoke test of the main job.
describe('npm start (the playground)', () => {
  test('plays every scenario, prints plain progress lines and the summary, and exits 0', async () => {
    const root = new URL('../../', import.meta.url).pathname;
    const env = { ...process.env, NODE_OPTIONS: '' };
    const child = spawn('npm', ['start', '--silent'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

    // npm itself may warn about this machine's npmrc on stderr; only the exit status and stdout are the playground's.
    // On failure, show the end of what the playground printed: it says which scenario went wrong and why.
    expect({ code, output: code === 0 ? '' : `${stdout.slice(-3000)}\n${stderr}` }).toEqual({ code: 0, output: '' });
    // Not a TTY: no cursor movement, one line per change.
    expect(stdout).not.toContain('\x1b[');
    expect(stdout).toMatch(/^ {2}podinfo +Progressing +\[█{4}░{16}\] +20% +step 1\/5/m);
    expect(stdout).toContain('Slack #releases received:');
    const summary = stdout.slice(stdout.indexOf('Summary ('));
    expect(summary).toMatch(/^Summary \([\d.]+s in all, seed 7\):/);
    expect(summary).toMatch(/✔ good-release: as expected, Succeeded in [\d.]+s\n +steps: 5 \(canary weight 0 → 20 → 40 → 60 → 80 → 100 → 0\)\n +requests served: \d+ = v1 \d+ \+ v2 \d+; errors seen by users: 0/);
    expect(summary).toMatch(/✔ bad-release: as expected, Failed in [\d.]+s\n +steps: 1 \(canary weight 0 → 20 → 0\)\n +requests served: \d+ = v2 \d+ \+ v3 \d+ \(\d+ failed\); errors seen by users: \d+/);
    // Counted as the Slack message and the progress line count them: iterations, not weight steps.
    expect(summary).toMatch(/✔ ab-test: as expected, Succeeded in [\d.]+s\n +iterations: 4 of 4 \(A\/B: requests with x-canary: insider → canary; canary weight 0 → 100 → 0 for them\)/);
    expect(stdout).toMatch(/Promotion finished for frontend\.default: 4 iterations in \d+s/);
    expect(stdout).toContain('traffic: 50 requests/s from users\n');
    expect(stdout).toContain('traffic: 20 requests/s from insiders (x-canary: insider), 30 requests/s from everyone else\n');
    // No sentence in the run nests parentheses or ends with two.
    expect(stdout).not.toContain('))');
    expect(summary).toMatch(/✔ traffic-access: as expected in [\d.]+s\n +curl: 403 403 403 403 403 → TrafficTarget → 200 200 200 200 200 → deleted → 403 403 403 403 403/);
    expect(summary).toContain('All scenarios ended as expected.');
    expect(summary).toContain('The same releases through Gateway API HTTPRoutes: npm start -- --router gatewayapi');
  }, 180_000);
});
