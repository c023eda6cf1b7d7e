import { spawn } from 'node:child_process';

// `npm start` is `node bin/kanari.js playground`: run it as a person's CI would, not on a terminal, and
// read what it printed. The same Node that runs the tests runs it (the project's pinned one).
describe('kanari playground as a command (what npm start runs)', () => {
  test('plays every scenario, prints plain progress lines and the summary, and exits 0', async () => {
    const root = new URL('../../', import.meta.url).pathname;
    const child = spawn(process.execPath, ['bin/kanari.js', 'playground'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

    expect({ code, stderr: stderr.trim() }).toEqual({ code: 0, stderr: '' });
    // Not a TTY: no cursor movement, one line per change.
    expect(stdout).not.toContain('\x1b[');
    expect(stdout).toMatch(/^ {2}podinfo +Progressing +\[█{4}░{16}\] +20% +step 1\/5/m);
    expect(stdout).toContain('Slack #releases received:');
    const summary = stdout.slice(stdout.indexOf('Summary ('));
    expect(summary).toMatch(/^Summary \([\d.]+s in all, seed 7\):/);
    expect(summary).toMatch(/✔ good-release: as expected, Succeeded in [\d.]+s\n +steps: 5 \(canary weight 0 → 20 → 40 → 60 → 80 → 100 → 0\)\n +requests served: \d+ \(v1 \d+, v2 \d+\); errors seen by users: 0/);
    expect(summary).toMatch(/✔ bad-release: as expected, Failed in [\d.]+s\n +steps: 1 \(canary weight 0 → 20 → 0\)/);
    expect(summary).toMatch(/✔ ab-test: as expected, Succeeded in/);
    expect(summary).toMatch(/✔ traffic-access: as expected in [\d.]+s\n +curl: 403 403 403 403 403 → TrafficTarget → 200 200 200 200 200 → deleted → 403 403 403 403 403/);
    expect(summary).toContain('All scenarios ended as expected.');
    const seconds = Number(/Summary \(([\d.]+)s in all/.exec(summary)?.[1]);
    expect(seconds).toBeLessThan(90);
  }, 180_000);
});
