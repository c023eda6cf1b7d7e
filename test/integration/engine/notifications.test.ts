import { startHttpReceiver, type HttpReceiver } from '../../helpers/http-receiver.ts';
import { EngineHarness, NAMESPACE, quickAnalysis } from './engine-harness.ts';

const SLACK_PATH = '/services/T0KANARI/B0SECRET/xoxb-very-secret-token';

describe('canary engine: Slack notifications from an AlertProvider whose address is in a Secret', () => {
  let world: EngineHarness;
  let slack: HttpReceiver;
  let slackErrors: HttpReceiver;

  beforeEach(async () => {
    world = await EngineHarness.start();
    slack = await startHttpReceiver();
    slackErrors = await startHttpReceiver();
    for (const [name, receiver] of [['slack-all', slack], ['slack-errors', slackErrors]] as const) {
      await world.core.createNamespacedSecret({ namespace: NAMESPACE, body: { metadata: { name }, stringData: { address: `${receiver.url}${SLACK_PATH}` } } });
      await world.custom.createNamespacedCustomObject({
        group: 'kanari.dev',
        version: 'v1alpha1',
        namespace: NAMESPACE,
        plural: 'alertproviders',
        body: { apiVersion: 'kanari.dev/v1alpha1', kind: 'AlertProvider', metadata: { name, namespace: NAMESPACE }, spec: { type: 'slack', channel: 'releases', secretRef: { name } } },
      });
    }
  });
  afterEach(async () => {
    await world.stop();
    await Promise.all([slack.close(), slackErrors.close()]);
  });

  test('new revision, rollback with the failing metric and threshold; severity error hears only the rollback; the address never leaks', async () => {
    await world.createDeployment('podinfo', 'podinfo:6.0.0');
    const alerts = [
      { name: 'all', severity: 'info', providerRef: { name: 'slack-all' } },
      { name: 'errors', severity: 'error', providerRef: { name: 'slack-errors' } },
    ];
    await world.createCanary('podinfo', { analysis: { ...quickAnalysis(), alerts } as never });
    await world.startController();
    await world.waitForPhase('podinfo', 'Initialized');
    world.traffic.set('podinfo', { kind: 'metrics', success: 80, failure: 20, p99Ms: 120 });
    await world.setImage('podinfo', 'podinfo:6.0.1');
    await world.runUntilPhase('podinfo', 'Failed');
    await world.controller?.flushNotifications();

    const texts = (r: HttpReceiver) => r.requests.map((q) => q.body);
    expect(slack.requests.every((q) => q.target === SLACK_PATH)).toBe(true);
    expect(texts(slack).some((b) => /new revision/i.test(b))).toBe(true);
    const rollback = texts(slack).find((b) => /roll(ed|ing)? ?back/i.test(b));
    expect(rollback).toBeDefined();
    expect(rollback).toMatch(/request-success-rate/);
    expect(rollback).toMatch(/80/);
    expect(rollback).toMatch(/99/);
    // Block Kit inside an attachment, which is what carries the severity colour bar.
    const body = JSON.parse(rollback!) as { attachments?: { color?: string; blocks?: { type: string }[] }[] };
    expect(body.attachments?.[0]?.blocks?.[0]?.type).toBe('header');
    expect(body.attachments?.[0]?.color).toMatch(/^#[0-9a-f]{6}$/i);

    expect(slackErrors.requests.length).toBe(1);
    expect(slackErrors.requests[0].body).toMatch(/roll(ed|ing)? ?back/i);

    const everything = [JSON.stringify(await world.status('podinfo')), ...(await world.events('podinfo')), ...world.logLines].join('\n');
    expect(everything).not.toContain('B0SECRET');
    expect(everything).not.toContain('xoxb-very-secret-token');
  });

  test('promotion finished reaches Slack', async () => {
    await world.createDeployment('podinfo', 'podinfo:6.0.0');
    await world.createCanary('podinfo', { analysis: { ...quickAnalysis(), alerts: [{ name: 'all', severity: 'info', providerRef: { name: 'slack-all' } }] } as never });
    await world.startController();
    await world.waitForPhase('podinfo', 'Initialized');
    world.traffic.set('podinfo', { kind: 'metrics', success: 995, failure: 1, p99Ms: 120 });
    await world.setImage('podinfo', 'podinfo:6.0.1');
    await world.runUntilPhase('podinfo', 'Succeeded');
    await world.controller?.flushNotifications();
    const finished = slack.requests.find((q) => /Promotion finished/.test(q.body) && /podinfo/.test(q.body));
    expect(finished).toBeDefined();
    // Promoted, the new version serves everyone as the primary: a "Weight: 0%" field would say the opposite.
    expect(finished!.body).toMatch(/\d+ steps in \d/);
    expect(finished!.body).not.toContain('*Weight*');
  });
});
