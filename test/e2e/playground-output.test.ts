import type { Canary } from '../../src/api/canary.ts';
import { ProgressOutput } from '../../src/playground/progress-output.ts';
import { progressLine } from '../../src/playground/progress-view.ts';
import { FRONTEND_ANALYSIS, PODINFO_ANALYSIS } from '../../src/playground/releases.ts';
import { usersLine } from '../../src/playground/rollout-scenario.ts';
import type { ScenarioResult } from '../../src/playground/scenario.ts';
import { renderSlackMessage } from '../../src/playground/slack-text.ts';
import { summaryLines } from '../../src/playground/summary-view.ts';

// What the person sees, without running the world: the live line's content, and how it is drawn on a
// terminal (in place) and elsewhere (a line per change).
const canary = (status: Canary['status']): Canary => ({
  apiVersion: 'kanari.dev/v1alpha1',
  kind: 'Canary',
  metadata: { name: 'podinfo', namespace: 'default' },
  spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' }, service: { port: 9898 }, analysis: PODINFO_ANALYSIS },
  status,
});

describe('playground output', () => {
  test('the progress line shows phase, weight bar, step, metrics against thresholds and failed checks', () => {
    const line = progressLine(canary({
      phase: 'Progressing',
      canaryWeight: 40,
      failedChecks: 1,
      lastAnalysis: [
        { metric: 'request-success-rate', value: 52.5, thresholdRange: { min: 99 }, result: 'fail', time: '2026-01-01T00:00:00Z' },
        { metric: 'request-duration', value: 12.25, thresholdRange: { max: 1000 }, result: 'pass', time: '2026-01-01T00:00:00Z' },
      ],
    }));
    expect(line).toBe('podinfo   Progressing      [████████░░░░░░░░░░░░]  40%  step 2/5  success 52.5% (≥ 99%) ✗  p99 12.25ms (≤ 1000ms) ✓  failed checks 1/2');
    expect(progressLine(canary({ phase: 'WaitingPromotion', canaryWeight: 100 }))).toContain('⏸ waiting for approval to promote');
  });

  test('an A/B run says which requests reach the new version, not a 100% bar, and rounds as every surface does', () => {
    const ab: Canary = { ...canary({ phase: 'Progressing', canaryWeight: 100, iterations: 0 }), spec: { ...canary({}).spec, analysis: FRONTEND_ANALYSIS } };
    expect(progressLine(ab, 100)).toBe('podinfo   Progressing      A/B: requests with x-canary: insider → canary  iteration 0/4  failed checks 0/2');
    const failing = canary({ phase: 'Progressing', canaryWeight: 20, lastAnalysis: [{ metric: 'request-success-rate', value: 100 / 3, thresholdRange: { min: 99 }, result: 'fail', time: '2026-01-01T00:00:00Z' }] });
    expect(progressLine(failing)).toContain('success 33.33% (≥ 99%) ✗');
  });

  test('the summary counts a canary in steps and an A/B run in iterations, and sums requests without nested parentheses', () => {
    const result = (overrides: Partial<ScenarioResult>): ScenarioResult => ({
      name: 'x', title: 'x', ok: true, problems: [], startedAt: 0, durationMs: 2300, weights: [], weightSamples: [], splitStates: {}, phases: [], phaseTimes: {},
      users: [], byVersion: {}, userErrors: 0, slack: [], notes: [], ...overrides,
    });
    const bad = summaryLines(result({
      name: 'bad-release', finalPhase: 'Failed', expectedPhase: 'Failed', analysis: PODINFO_ANALYSIS, weights: [20, 0],
      byVersion: { v2: { requests: 95, errors: 0 }, v3: { requests: 21, errors: 14 } }, userErrors: 14,
    }));
    expect(bad.slice(0, 3)).toEqual([
      '✔ bad-release: as expected, Failed in 2.3s',
      '    steps: 1 (canary weight 0 → 20 → 0)',
      '    requests served: 116 = v2 95 + v3 21 (14 failed); errors seen by users: 14',
    ]);
    const ab = summaryLines(result({ name: 'ab-test', finalPhase: 'Succeeded', expectedPhase: 'Succeeded', analysis: FRONTEND_ANALYSIS, iterations: 4, weights: [100, 0] }));
    expect(ab[1]).toBe('    iterations: 4 of 4 (A/B: requests with x-canary: insider → canary; canary weight 0 → 100 → 0 for them)');
    expect(usersLine([{ label: 'users', rps: 50 }])).toBe('traffic: 50 requests/s from users');
  });

  test('on a terminal the live line is redrawn in place under permanent lines; elsewhere each change is a line', () => {
    let tty = '';
    const terminal = new ProgressOutput({ write: (t: string) => (tty += t), isTTY: true });
    terminal.status('podinfo 20%');
    terminal.status('podinfo 40%');
    terminal.line('Slack received');
    terminal.settle();
    expect(tty).toBe('\r\x1b[2Kpodinfo 20%\r\x1b[2Kpodinfo 40%\r\x1b[2KSlack received\npodinfo 40%\n');

    let plain = '';
    const pipe = new ProgressOutput({ write: (t: string) => (plain += t) });
    pipe.status('podinfo 20%', 'a');
    pipe.status('podinfo 20% again', 'a');
    pipe.status('podinfo 40%', 'b');
    expect(plain).toBe('  podinfo 20%\n  podinfo 40%\n');
  });

  test('a Slack Block Kit message reads as text, with mrkdwn escapes undone', () => {
    const lines = renderSlackMessage({
      text: 'Rolled back podinfo.default: request-success-rate 27.78% < 99%',
      attachments: [{
        color: '#E01E5A',
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: 'Rolled back: podinfo.default' } },
          { type: 'section', text: { type: 'mrkdwn', text: 'Rolled back podinfo.default: request-success-rate 27.78% &lt; 99%' } },
          { type: 'section', fields: [{ type: 'mrkdwn', text: '*Canary*\npodinfo' }, { type: 'mrkdwn', text: '*Weight*\n20%' }] },
        ],
      }],
    });
    expect(lines).toEqual([
      '┃ Rolled back: podinfo.default  (error)',
      '┃ Rolled back podinfo.default: request-success-rate 27.78% < 99%',
      '┃ Canary: podinfo · Weight: 20%',
    ]);
  });
});
