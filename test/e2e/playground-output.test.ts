import type { Canary } from '../../src/api/canary.ts';
import { ProgressOutput } from '../../src/playground/progress-output.ts';
import { progressLine } from '../../src/playground/progress-view.ts';
import { PODINFO_ANALYSIS } from '../../src/playground/releases.ts';
import { renderSlackMessage } from '../../src/playground/slack-text.ts';

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
    expect(line).toBe('podinfo   Progressing      [████████░░░░░░░░░░░░]  40%  step 2/5  success 52.5% (≥99%) ✗  p99 12.3ms (≤1000ms) ✓  failed checks 1/2');
    expect(progressLine(canary({ phase: 'WaitingPromotion', canaryWeight: 100 }))).toContain('⏸ waiting for approval to promote');
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
      text: 'Rolled back podinfo.default: request-success-rate 27.78% < 99',
      attachments: [{
        color: '#E01E5A',
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: 'Rolled back: podinfo.default' } },
          { type: 'section', text: { type: 'mrkdwn', text: 'Rolled back podinfo.default: request-success-rate 27.78% &lt; 99' } },
          { type: 'section', fields: [{ type: 'mrkdwn', text: '*Canary*\npodinfo' }, { type: 'mrkdwn', text: '*Weight*\n20%' }] },
        ],
      }],
    });
    expect(lines).toEqual([
      '┃ Rolled back: podinfo.default  (error)',
      '┃ Rolled back podinfo.default: request-success-rate 27.78% < 99',
      '┃ Canary: podinfo · Weight: 20%',
    ]);
  });
});
