import { parseQuantity } from '../../src/metrics/quantity.ts';
import { weightSequence } from '../../src/engine/strategy.ts';
import { badVersionBound, FRONTEND_ANALYSIS, PODINFO_ANALYSIS } from '../../src/playground/releases.ts';
import { playOnce } from './play-once.ts';
import { routedByAbRoute, routedWhileOpen } from '../../src/playground/scenarios.ts';
import type { UserRequest } from '../../src/sandbox/loadgen/load-generator.ts';
import { slackFields, slackHeadline } from '../../src/playground/slack-text.ts';
import { rawJsonRequest } from '../../src/playground/raw-crd-install.ts';

// One default run (every scenario, in order, on one world) feeds every test below: the scenarios build
// on each other as they do for a person, and starting the world once keeps the suite short.
describe('kanari playground, end to end through the library entry point', () => {
  const played = playOnce({ seed: 7 });
  const { scenario } = played;


  // How long the run takes is a figure of bench/playground.bench.ts, not a bound here.
  test('every scenario ends as expected, in the default order', () => {
    expect(played.run.results.map((r) => [r.name, r.ok, r.problems])).toEqual([
      ['good-release', true, []],
      ['bad-release', true, []],
      ['ab-test', true, []],
      ['traffic-access', true, []],
    ]);
    expect(played.run.ok).toBe(true);
    expect(played.printed).toMatch(/Summary \([\d.]+s in all, seed 7\):/);
    expect(played.printed).toContain('All scenarios ended as expected.');
  });

  test('good release: promoted, the TrafficSplit stepped 20 at a time without skipping, no user request failed', () => {
    const good = scenario('good-release');
    expect(good.finalPhase).toBe('Succeeded');
    expect(good.phases).toEqual(expect.arrayContaining(['Progressing', 'Promoting', 'Finalising', 'Succeeded']));
    expect(good.weights).toEqual([20, 40, 60, 80, 100, 0]);
    expect(good.weights).toEqual([...weightSequence(PODINFO_ANALYSIS).slice(1), 0]);
    const rising = good.weights.slice(0, -1);
    rising.forEach((w, i) => expect(w - (i === 0 ? 0 : rising[i - 1])).toBe(PODINFO_ANALYSIS.stepWeight));

    const answers = good.users.flatMap((u) => u.results);
    expect(answers.length).toBeGreaterThan(200);
    expect(answers.filter((r) => r.status !== 200)).toEqual([]);
    expect(good.userErrors).toBe(0);
    expect(good.byVersion.v2.requests).toBeGreaterThan(50);
    expect(good.byVersion.v1.requests).toBeGreaterThan(50);
  });

  test('good release: Slack received Block Kit messages with the header and the identity fields', () => {
    const good = scenario('good-release');
    expect(good.slack.map((d) => slackHeadline(d.body))).toEqual(['New revision: podinfo.default', 'Promotion finished: podinfo.default']);
    const finished = good.slack[1].body;
    const attachment = finished.attachments?.[0];
    expect(attachment?.color).toBe('#2EB67D');
    expect(attachment?.blocks?.[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Promotion finished: podinfo.default', emoji: true } });
    expect(finished.text).toMatch(/^Promotion finished for podinfo\.default/);
    expect(finished.channel).toBe('#releases');
    expect(slackFields(finished)).toMatchObject({ Canary: 'podinfo', Namespace: 'default', Cluster: 'playground' });
    expect(slackFields(finished).Weight).toBeUndefined();
  });

  test('bad release: rolled back at the first step; the bad version got no more than the analysis allows', () => {
    const bad = scenario('bad-release');
    expect(bad.finalPhase).toBe('Failed');
    // Checks never pass, so the weight never goes beyond the first step, and goes back to 0.
    expect(bad.weights).toEqual([PODINFO_ANALYSIS.stepWeight, 0]);

    // The bound. Checks never pass, so the bad version never gets more than stepWeight (20%), and it
    // is rolled back at the threshold-th (2nd) failed check: open for the opening tick plus two
    // checks, (2 + 1) × 1 s on a quiet machine (longer when ticks run late on a busy one). Of the
    // requests sent while it is open it gets 20%: at most 20% of them plus three standard deviations.
    // At 50 requests/s for 3 s that is 30 on average and at most 45.
    expect(badVersionBound(PODINFO_ANALYSIS, 150)).toEqual({ share: 0.2, requests: 45, expectedOpenMs: 3000 });
    // Each request is judged by the TrafficSplit state that routed it (named in its answer), not by when
    // it was sent: on a busy machine a request may wait in a queue while the split changes.
    const answers = bad.users.flatMap((u) => u.results);
    const whileOpen = answers.filter((r) => routedWhileOpen(bad, r));
    const onBad = answers.filter((r) => r.version === 'v3');
    expect(onBad.length).toBeGreaterThan(0);
    expect(onBad.length).toBeLessThanOrEqual(badVersionBound(PODINFO_ANALYSIS, whileOpen.length).requests);
    // Every request the bad version answered was routed by a split state that gave it weight, and the
    // rollback came at the second failed check.
    expect(onBad.filter((r) => !routedWhileOpen(bad, r))).toEqual([]);
    expect(new Set(onBad.map((r) => r.backend))).toEqual(new Set(['podinfo-canary']));
    expect(played.world.recorder.latest('podinfo')?.status).toMatchObject({ phase: 'Failed', failedChecks: PODINFO_ANALYSIS.threshold, failureReason: 'FailedChecks' });
    expect(bad.userErrors).toBe(bad.byVersion.v3.errors);
    expect(bad.userErrors).toBeGreaterThan(0);
  });

  test('bad release: Slack received the rollback with the failing metric against its threshold', () => {
    const rolledBack = scenario('bad-release').slack.find((d) => slackHeadline(d.body) === 'Rolled back: podinfo.default');
    expect(rolledBack).toBeDefined();
    const body = rolledBack!.body;
    expect(body.attachments?.[0].color).toBe('#E01E5A');
    expect(body.text).toMatch(/^Rolled back podinfo\.default: request-success-rate [\d.]+% < 99%$/);
    expect(slackFields(body)).toMatchObject({ Canary: 'podinfo', Metric: 'request-success-rate', Minimum: '99%', Weight: '20%' });
  });

  test('A/B: insiders reach the new version while the route is up, everyone else stays on the old one until promotion', () => {
    const ab = scenario('ab-test');
    expect(ab.finalPhase).toBe('Succeeded');
    expect(ab.weights).toEqual([100, 0]);
    // Judged by the TrafficSplit state that routed each request, as in the bad release.
    const byAbRoute = (r: UserRequest) => routedByAbRoute(ab, r);
    const answered = (label: string) => ab.users.find((u) => u.label === label)!.results.filter((r) => r.status === 200);
    const insiders = answered('insiders').filter(byAbRoute);
    expect(insiders.length).toBeGreaterThan(20);
    expect(new Set(insiders.map((r) => `${r.backend} ${r.version}`))).toEqual(new Set(['frontend-canary v2']));
    // Everyone else kept reaching the primary while the route was up, on v1 until the promotion updated it,
    // and not once, before or after the route, was a request without the header routed to the canary.
    const others = answered('everyone else');
    expect(others.filter((r) => byAbRoute(r) && r.backend === 'frontend' && r.version === 'v1').length).toBeGreaterThan(30);
    expect(others.filter((r) => r.backend === 'frontend-canary')).toEqual([]);
    expect(ab.slack.map((d) => slackHeadline(d.body))).toEqual(['New revision: frontend.default', 'Promotion finished: frontend.default']);
    expect(FRONTEND_ANALYSIS.iterations).toBe(4);
  });

  test('Traffic Access: an unlisted ServiceAccount is denied 403, allowed by a TrafficTarget, denied again without it', () => {
    expect(scenario('traffic-access').probes).toEqual([
      { stage: 'before', statuses: [403, 403, 403, 403, 403] },
      { stage: 'allowed', statuses: [200, 200, 200, 200, 200] },
      { stage: 'after', statuses: [403, 403, 403, 403, 403] },
    ]);
  });

  test("TrafficMetrics read through the API server's aggregated path match the data plane's own counts", async () => {
    const target = { url: played.world.server.url, token: played.world.server.token, caData: played.world.kubeConfig.getCurrentCluster()?.caData };
    for (const deployment of ['podinfo', 'podinfo-primary', 'frontend', 'frontend-primary']) {
      const answer = await rawJsonRequest(target, 'GET', `/apis/metrics.smi-spec.io/v1alpha1/namespaces/default/deployments/${deployment}?t=15m`);
      expect(answer.status).toBe(200);
      const object = answer.body as { kind: string; window: string; resource: unknown; metrics: { name: string; value: string }[] };
      expect(object.kind).toBe('TrafficMetrics');
      expect(object.window).toBe('15m0s');
      expect(object.resource).toEqual({ kind: 'Deployment', namespace: 'default', name: deployment });
      expect(object.metrics.map((m) => m.name)).toEqual(['p99_response_latency', 'p90_response_latency', 'p50_response_latency', 'success_count', 'failure_count']);
      const value = (name: string) => parseQuantity(object.metrics.find((m) => m.name === name)!.value);
      const own = played.world.dataPlane.store.totals({ kind: 'Deployment', namespace: 'default', name: deployment });
      expect(own).toBeDefined();
      expect(own!.success + own!.failure).toBeGreaterThan(0);
      expect([value('success_count'), value('failure_count')]).toEqual([own!.success, own!.failure]);
    }
    // The bad version's failures are where the data plane saw them: on the canary Deployment.
    const failures = played.world.dataPlane.store.totals({ kind: 'Deployment', namespace: 'default', name: 'podinfo' })!.failure;
    expect(failures).toBe(scenario('bad-release').byVersion.v3.errors);
    const list = await rawJsonRequest(target, 'GET', '/apis/metrics.smi-spec.io/v1alpha1/namespaces/default/deployments?t=15m');
    const names = (list.body as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name);
    expect(names).toEqual(['frontend', 'frontend-primary', 'podinfo', 'podinfo-primary']);
  });
});
