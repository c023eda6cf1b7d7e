import type { Canary, CanaryMatch } from '../../../src/api/canary.ts';
import type { CanaryStatus } from '../../../src/api/canary-status.ts';
import { formatAge, renderCanaryStatus, renderCanaryTable } from '../../../src/cli/status-view.ts';
import { weightBar } from '../../../src/text/weight-bar.ts';

const now = Date.parse('2026-11-24T07:05:00Z');

function canaryWith(status: CanaryStatus | undefined, overrides: { analysis?: Canary['spec']['analysis']; name?: string; namespace?: string; annotations?: Record<string, string> } = {}): Canary {
  return {
    apiVersion: 'kanari.dev/v1alpha1',
    kind: 'Canary',
    metadata: { name: overrides.name ?? 'podinfo', namespace: overrides.namespace ?? 'test', annotations: overrides.annotations },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
      service: { port: 9898 },
      analysis: overrides.analysis ?? {
        interval: '30s',
        threshold: 5,
        maxWeight: 50,
        stepWeight: 10,
        webhooks: [{ name: 'approve', type: 'confirm-promotion', url: 'http://approver/' }],
      },
    },
    status,
  };
}

describe('kanari status rendering', () => {
  test('a progressing canary: phase age, weight bar, step, failed checks, metrics against thresholds, conditions', () => {
    const lines = renderCanaryStatus(
      canaryWith({
        phase: 'Progressing',
        canaryWeight: 30,
        failedChecks: 1,
        lastTransitionTime: '2026-11-24T07:02:30Z',
        lastAnalysisTime: '2026-11-24T07:04:00Z',
        lastAnalysis: [
          { metric: 'request-success-rate', value: 99.54321, thresholdRange: { min: 99 }, result: 'pass', time: '2026-11-24T07:04:00Z' },
          { metric: 'request-duration', value: 612, thresholdRange: { max: 500 }, result: 'fail', reason: '612 > 500', time: '2026-11-24T07:04:00Z' },
          { metric: 'error-budget', thresholdRange: { min: 1, max: 5 }, result: 'no-data', reason: 'no traffic to the canary', time: '2026-11-24T07:04:00Z' },
        ],
        conditions: [
          { type: 'Ready', status: 'True', reason: 'Ready', message: 'Canary is Progressing', lastTransitionTime: '2026-11-24T07:00:00Z' },
          { type: 'Promoted', status: 'False', reason: 'Progressing', message: 'Revision abc is being rolled out.', lastTransitionTime: '2026-11-24T07:02:30Z' },
        ],
      }),
      now,
    );
    expect(lines).toEqual([
      'Canary podinfo.test (canary, target Deployment/podinfo)',
      'Phase:         Progressing for 2m30s (since 2026-11-24T07:02:30Z)',
      'Weight:        [██████░░░░░░░░░░░░░░] 30% canary / 70% primary',
      'Step:          step 3 of 5 (weights 10, 20, 30, 40, 50; max 50)',
      'Failed checks: 1/5 (rolls back at 5)',
      'Last analysis: 60s ago (2026-11-24T07:04:00Z)',
      '  METRIC                 VALUE    THRESHOLD   RESULT',
      '  request-success-rate   99.54%   ≥ 99%       pass',
      '  request-duration       612ms    ≤ 500ms     fail: 612 > 500',
      '  error-budget           -        1 ≤ v ≤ 5   no-data: no traffic to the canary',
      'Conditions:',
      '  TYPE       STATUS   REASON        AGE     MESSAGE',
      '  Ready      True     Ready         5m      Canary is Progressing',
      '  Promoted   False    Progressing   2m30s   Revision abc is being rolled out.',
    ]);
  });

  test('the judge: per compared metric the ratio, its interval, the e-value against its bar, what was counted, and the words', () => {
    const comparison = {
      against: 'baseline' as const,
      tolerated: 1.2,
      estimate: 2.13,
      lower: 1.41,
      upper: 3.24,
      eValue: 3.1,
      bar: 20,
      outcome: 'undecided' as const,
      canaryRequests: 6000,
      referenceRequests: 6000,
      canaryFailures: 54,
      referenceFailures: 25,
      message: 'canary fails 2.1× as often as baseline (95 %: 1.4–3.2×), tolerated 1.2×: not conclusive yet (e-value 3.1, rollback at 20)',
    };
    const lines = renderCanaryStatus(
      canaryWith(
        {
          phase: 'Progressing',
          canaryWeight: 20,
          lastAnalysisTime: '2026-11-24T07:04:00Z',
          lastAnalysis: [{ metric: 'request-success-rate', value: 99.1, thresholdRange: { min: 90 }, result: 'pass', time: '2026-11-24T07:04:00Z', comparison }],
          judge: { against: 'baseline', startTime: '2026-11-24T07:00:00Z', lastObservedTime: '2026-11-24T07:04:00Z', eValue: 3.1, bar: 20, confidence: 0.95, decision: 'continue', message: comparison.message },
        },
        { analysis: { interval: '1m', threshold: 2, stepWeight: 20, maxWeight: 60, baseline: true, metrics: [{ name: 'request-success-rate', thresholdRange: { min: 90 }, compare: {} }] } },
      ),
      now,
    );
    expect(lines).toContain('Weight:        [████░░░░░░░░░░░░░░░░] 20% canary / 60% primary / 20% baseline');
    expect(lines.slice(lines.indexOf('Judge:         compared with baseline at 95 %: evidence 3.1, rolls back at 20 (continue)'))).toEqual([
      'Judge:         compared with baseline at 95 %: evidence 3.1, rolls back at 20 (continue)',
      '  METRIC                 RATIO   INTERVAL   TOLERATED   E-VALUE    CANARY FAILED   BASELINE FAILED',
      '  request-success-rate   2.1×    1.4–3.2×   1.2×        3.1 / 20   54 of 6,000     25 of 6,000',
      '  request-success-rate: canary fails 2.1× as often as baseline (95 %: 1.4–3.2×), tolerated 1.2×: not conclusive yet (e-value 3.1, rollback at 20)',
    ]);
  });

  test('metric values are rounded to two decimals and carry their unit, as the bound does', () => {
    const lines = renderCanaryStatus(
      canaryWith({
        phase: 'Failed',
        lastAnalysisTime: '2026-11-24T07:04:00Z',
        lastAnalysis: [
          { metric: 'request-success-rate', value: 100 / 3, thresholdRange: { min: 99 }, result: 'fail', time: '2026-11-24T07:04:00Z' },
          { metric: 'request-duration', value: 1000 / 7, thresholdRange: { max: 500 }, result: 'pass', time: '2026-11-24T07:04:00Z' },
          { metric: 'queue-depth', value: 2 / 3, thresholdRange: { min: 0.25, max: 1.5 }, result: 'pass', time: '2026-11-24T07:04:00Z' },
        ],
      }),
      now,
    );
    expect(lines.slice(lines.indexOf('Last analysis: 60s ago (2026-11-24T07:04:00Z)') + 1)).toEqual([
      '  METRIC                 VALUE      THRESHOLD        RESULT',
      '  request-success-rate   33.33%     ≥ 99%            fail',
      '  request-duration       142.86ms   ≤ 500ms          pass',
      '  queue-depth            0.67       0.25 ≤ v ≤ 1.5   pass',
    ]);
  });

  test('stepWeights give the step among the listed weights', () => {
    const lines = renderCanaryStatus(canaryWith({ phase: 'Progressing', canaryWeight: 25 }, { analysis: { stepWeights: [5, 10, 25, 50, 80] } }), now);
    expect(lines).toContain('Step:          step 3 of 5 (weights 5, 10, 25, 50, 80; max 80)');
  });

  test('blue/green counts iterations instead of steps', () => {
    const lines = renderCanaryStatus(canaryWith({ phase: 'Progressing', iterations: 2 }, { analysis: { iterations: 10, threshold: 2 } }), now);
    expect(lines[0]).toBe('Canary podinfo.test (blue-green, target Deployment/podinfo)');
    expect(lines).toContain('Step:          iteration 2 of 10');
  });

  test('A/B says which requests reach the canary instead of a 100% weight', () => {
    const match: CanaryMatch[] = [{ headers: { 'x-canary': { exact: 'insider' } } }, { headers: { cookie: { regex: '^canary=' } } }];
    const lines = renderCanaryStatus(canaryWith({ phase: 'Progressing', canaryWeight: 100, iterations: 1 }, { analysis: { iterations: 4, match } }), now);
    expect(lines[0]).toBe('Canary podinfo.test (ab-testing, target Deployment/podinfo)');
    expect(lines).toContain('Traffic:       A/B: requests with x-canary: insider or cookie ~ /^canary=/ go to the canary, all others to the primary');
    expect(lines.some((line) => line.includes('100% canary'))).toBe(false);
    expect(lines).toContain('Step:          iteration 1 of 4');
    const [, row] = renderCanaryTable([canaryWith({ phase: 'Progressing', canaryWeight: 100 }, { analysis: { iterations: 4, match } })], now);
    expect(row).toMatch(/^test +podinfo +Progressing +A\/B +0\/1 /);
  });

  test('waiting for promotion names the gate and how to open it; paused says by whom', () => {
    const lines = renderCanaryStatus(
      canaryWith({ phase: 'WaitingPromotion', canaryWeight: 50, paused: { by: 'bob', at: '2026-11-24T07:01:00Z' }, manualPromotion: 'next' }),
      now,
    );
    expect(lines).toEqual(expect.arrayContaining([
      'Paused:        by bob, 4m ago; kanari resume podinfo -n test continues',
      'Waiting:       promotion waits for approval (confirm-promotion webhook approve); kanari promote podinfo -n test promotes',
      'Promote:       pending: opens the next closed gate',
      'Step:          step 5 of 5 (weights 10, 20, 30, 40, 50; max 50)',
    ]));
  });

  test('a new revision waiting for confirm-rollout says so', () => {
    const lines = renderCanaryStatus(canaryWith({ phase: 'Waiting' }), now);
    expect(lines).toContain('Waiting:       new revision waits for approval (confirm-rollout webhook); kanari promote podinfo -n test starts it');
  });

  test('a step held by a closed confirm-traffic-increase gate says so while the phase stays Progressing', () => {
    const lines = renderCanaryStatus(canaryWith({ phase: 'Progressing', canaryWeight: 20, trafficIncreaseWaitingSince: '2026-11-24T07:02:00Z' }), now);
    expect(lines).toContain(
      'Waiting:       traffic increase waits for approval since 2026-11-24T07:02:00Z (confirm-traffic-increase webhook); kanari promote podinfo -n test takes the next step',
    );
    expect(renderCanaryStatus(canaryWith({ phase: 'Progressing', canaryWeight: 20 }), now).some((line) => line.startsWith('Waiting:'))).toBe(false);
  });

  test('a failed canary shows why; requests not yet acted on are listed, handled ones are not', () => {
    const lines = renderCanaryStatus(
      canaryWith(
        { phase: 'Failed', failureReason: 'FailedChecks', failedChecks: 5, handledRequests: { abort: 'carol' } },
        { annotations: { 'kanari.dev/retry': 'alice@2026-11-24T07:04:30Z', 'kanari.dev/abort': 'carol' } },
      ),
      now,
    );
    expect(lines).toContain('Failure:       FailedChecks: Canary analysis failed: the failed checks reached the threshold');
    expect(lines).toContain('Requested:     retry by alice, not yet acted on (alice@2026-11-24T07:04:30Z)');
    expect(lines.some((line) => line.includes('abort by carol'))).toBe(false);
    expect(lines.some((line) => line.startsWith('Step:'))).toBe(false);
  });

  test('a canary with no status yet', () => {
    expect(renderCanaryStatus(canaryWith(undefined), now)).toEqual([
      'Canary podinfo.test (canary, target Deployment/podinfo)',
      'Phase:         New (not initialized yet)',
      'Weight:        [░░░░░░░░░░░░░░░░░░░░] 0% canary / 100% primary',
      'Failed checks: 0/5 (rolls back at 5)',
      'Last analysis: none yet',
    ]);
  });
});

describe('kanari list rendering', () => {
  test('a table sorted by namespace and name', () => {
    const lines = renderCanaryTable(
      [
        canaryWith({ phase: 'Progressing', canaryWeight: 30, failedChecks: 1, lastTransitionTime: '2026-11-24T07:02:30Z', conditions: [{ type: 'Ready', status: 'True' }] }),
        canaryWith(undefined, { name: 'api', namespace: 'prod' }),
        canaryWith({ phase: 'Failed', failedChecks: 5, lastTransitionTime: '2026-11-22T05:00:00Z', conditions: [{ type: 'Ready', status: 'False' }] }, { name: 'frontend', namespace: 'prod' }),
      ],
      now,
    );
    expect(lines).toEqual([
      'NAMESPACE   NAME       PHASE         WEIGHT   FAILED   LAST TRANSITION   READY',
      'prod        api        New           0        0/5      -                 -',
      'prod        frontend   Failed        0        5/5      2d2h              False',
      'test        podinfo    Progressing   30       1/5      2m30s             True',
    ]);
  });

  test('no canaries', () => {
    expect(renderCanaryTable([], now)).toEqual(['No canaries found.']);
  });
});

describe('ages and bars', () => {
  test.each([
    [0, '0s'],
    [119_000, '119s'],
    [150_000, '2m30s'],
    [600_000, '10m'],
    [3 * 3_600_000 + 60_000, '3h1m'],
    [30 * 3_600_000, '30h'],
    [50 * 3_600_000, '2d2h'],
    [10 * 86_400_000, '10d'],
    [-5_000, '0s'],
    [Number.NaN, '?'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });

  test('the bar is clamped to 0..100', () => {
    expect(weightBar(100)).toBe(`[${'█'.repeat(20)}]`);
    expect(weightBar(150)).toBe(`[${'█'.repeat(20)}]`);
    expect(weightBar(-1)).toBe(`[${'░'.repeat(20)}]`);
  });
});
