import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSeededRandom } from '../../../src/sandbox/sample-app/seeded-random.ts';
import { startPrometheus, type RunningPrometheus } from '../../helpers/prometheus.ts';
import { poisson } from '../../helpers/random-counts.ts';

/**
 * `kanari backtest` against a real Prometheus holding a past release: Linkerd-style request counters of
 * `podinfo` (the canary) and `podinfo-primary`, recorded every 15 s for 45 minutes and loaded as TSDB
 * blocks with promtool. The release is a subtle regression: the primary fails 0.3 % of its requests,
 * the canary 0.9 % — the threshold (99 % success) passes it, the judge does not.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const node = join(root, 'node_modules/.bin/node');
const RELEASE = Date.parse('2026-11-02T10:00:00Z');
const STEP_SECONDS = 15;
// Traffic enough that a minute's success rate is steady: the canary's 99.1 % stays clear of the 99 % bound.
const RPS = 5000;

/** The recorded counters, OpenMetrics text: 15 minutes before the release, 30 after. */
function recordedRelease(canaryFailureRate: number, primaryFailureRate: number): string {
  const random = createSeededRandom(2026);
  const series = new Map<string, { at: number; value: number }[]>();
  const totals = new Map<string, number>();
  const add = (deployment: string, classification: string, at: number, increment: number) => {
    const key = `response_total{classification="${classification}",deployment="${deployment}",direction="inbound",namespace="test"}`;
    const value = (totals.get(key) ?? 0) + increment;
    totals.set(key, value);
    series.set(key, [...(series.get(key) ?? []), { at, value }]);
  };
  for (let at = RELEASE - 15 * 60_000; at <= RELEASE + 30 * 60_000; at += STEP_SECONDS * 1000) {
    // The release as it happened: the canary took 10 % more of the traffic every minute, up to 50 %.
    const share = at < RELEASE ? 0 : Math.min(0.5, 0.1 * (1 + Math.floor((at - RELEASE) / 60_000)));
    for (const [deployment, part, rate] of [['podinfo', share, canaryFailureRate], ['podinfo-primary', 1 - share, primaryFailureRate]] as const) {
      if (part === 0 && deployment === 'podinfo') continue;
      const requests = poisson(RPS * STEP_SECONDS * part, random);
      const failures = Math.min(requests, poisson(requests * rate, random));
      add(deployment, 'success', at, requests - failures);
      add(deployment, 'failure', at, failures);
    }
  }
  const lines = ['# TYPE response counter'];
  for (const [key, samples] of series) for (const { at, value } of samples) lines.push(`${key} ${value} ${at / 1000}`);
  return `${lines.join('\n')}\n# EOF\n`;
}

const CANARY = `apiVersion: kanari.dev/v1alpha1
kind: Canary
metadata: {name: podinfo, namespace: test}
spec:
  targetRef: {name: podinfo}
  service: {port: 9898}
  mesh: linkerd
  analysis:
    interval: 1m
    threshold: 2
    stepWeight: 10
    maxWeight: 50
    metrics:
    - name: request-success-rate
      interval: 1m
      thresholdRange: {min: 99}
      compare: {maxIncrease: 20%, confidence: 95%}
`;

function kanari(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(node, [join(root, 'bin/kanari.js'), ...args], { cwd: root, timeout: 100_000 }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
}

describe('kanari backtest over a recorded release in a real Prometheus', () => {
  let prometheus: RunningPrometheus;
  let dir: string;

  beforeAll(async () => {
    prometheus = await startPrometheus([], { history: recordedRelease(0.009, 0.003) });
    dir = mkdtempSync(join(tmpdir(), 'kanari-backtest-'));
    writeFileSync(join(dir, 'canary.yaml'), CANARY);
  }, 180_000);

  afterAll(async () => {
    await prometheus?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the threshold policy would have promoted the subtle regression; the judge would have rolled it back, and says when and why', async () => {
    const result = await kanari(['backtest', join(dir, 'canary.yaml'), '--prometheus', prometheus.url, '--from', '2026-11-02T10:00:00Z', '--to', '2026-11-02T10:30:00Z']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe(`Backtest of Canary podinfo.test from 2026-11-02T10:00:00Z to 2026-11-02T10:30:00Z, replayed from Prometheus ${prometheus.url}`);
    expect(lines).toContain('Threshold policy: request-success-rate ≥ 99; rolled back after 2 failed checks');
    expect(lines).toContain('Judge: request-success-rate (maxIncrease 20%, confidence 95%) compared with the primary; guard rails: request-success-rate');

    // Step by step: each interval's Events, at the time the analysis would have run.
    expect(lines).toContain('  10:00:00   10%  Advance: Advance podinfo.test canary weight 0 → 10');
    expect(lines.find((line) => line.startsWith('  10:01:00'))).toMatch(/^ {2}10:01:00 {3}20% {2}Advance: Advance podinfo\.test canary weight 10 → 20: request-success-rate 99\.\d+% ≥ 99%$/);

    const summary = lines.slice(lines.indexOf('Summary:') + 1);
    expect(summary[0]).toBe('  Threshold policy would have promoted at 2026-11-02T10:05:00Z (5m after the release, 5 intervals)');
    expect(summary[1]).toMatch(
      /^ {2}Judge {12}would have rolled back at 2026-11-02T10:0[1-4]:00Z \(\dm after the release, \d intervals?\): CanaryWorseThanPrimary — Rolling back podinfo\.test: canary fails [\d.]+× as often as primary \(95 %: [\d.]+–[\d.]+×\), tolerated 1\.2×$/,
    );
  }, 120_000);

  test('a shared incident (both sides failing 1.5 %): the threshold policy rolls back, the judge alone promotes', async () => {
    const incident = await startPrometheus([], { history: recordedRelease(0.015, 0.015) });
    try {
      const both = join(dir, 'both.yaml');
      writeFileSync(both, CANARY.replace('      compare: {maxIncrease: 20%, confidence: 95%}\n', ''));
      const result = await kanari(['backtest', both, '--prometheus', incident.url, '--from', '2026-11-02T10:00:00Z', '--to', '2026-11-02T10:30:00Z']);
      expect(result.code).toBe(0);
      const summary = result.stdout.trim().split('\n');
      const after = summary.slice(summary.indexOf('Summary:') + 1);
      // A Canary without compare: the judge is its built-in metrics compared with the primary, without bounds.
      expect(summary).toContain('Judge: request-success-rate (maxIncrease 20%, confidence 95%) compared with the primary');
      expect(after[0]).toBe('  Threshold policy would have rolled back at 2026-11-02T10:02:00Z (2m after the release, 2 intervals): FailedChecks — Rolling back podinfo.test: failed checks threshold reached (2/2): request-success-rate 98.43% < 99%');
      expect(after[1]).toBe('  Judge            would have promoted at 2026-11-02T10:05:00Z (5m after the release, 5 intervals)');
    } finally {
      await incident.close();
    }
  }, 180_000);
});
