import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineHarness, NAMESPACE, quickAnalysis } from '../engine/engine-harness.ts';
import { eventually } from '../../helpers/eventually.ts';

const NODE = new URL('../../../node_modules/.bin/node', import.meta.url).pathname;
const KANARI = new URL('../../../bin/kanari.js', import.meta.url).pathname;

describe('kanari controller as a process', () => {
  let world: EngineHarness;
  let dir: string;
  let child: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    world = await EngineHarness.start();
    dir = mkdtempSync(join(tmpdir(), 'kanari-controller-'));
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await world.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('serves health, runs Canaries, and exits cleanly on SIGTERM; empty flags as the chart passes them mean unset', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, world.sandbox.server.kubeconfigYaml(), { mode: 0o600 });
    child = spawn(
      NODE,
      [KANARI, 'controller', `--kubeconfig=${kubeconfig}`, `--namespace=${NAMESPACE}`, '--metrics-addr=127.0.0.1:0', '--selector=', '--event-webhook=', '--cluster-name='],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));

    const url = await eventually('the health server URL in the log', () => /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output)?.[1]);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    await eventually('/readyz to be ready', async () => ((await fetch(`${url}/readyz`)).status === 200 ? true : undefined));

    await world.createDeployment('podinfo', 'podinfo:1');
    await world.createCanary('podinfo', { analysis: quickAnalysis() });
    await world.waitForPhase('podinfo', 'Initialized');
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('kanari_canary_status{name="podinfo",namespace="test"} 1');
    // Every log line is JSON with the canary and namespace fields where a Canary is concerned.
    const canaryLines = output.split('\n').filter((line) => line.includes('"canary":"podinfo"'));
    expect(canaryLines.length).toBeGreaterThan(0);
    for (const line of canaryLines) expect(JSON.parse(line)).toMatchObject({ canary: 'podinfo', namespace: NAMESPACE });

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('"msg":"shutting down"');
  });
});
