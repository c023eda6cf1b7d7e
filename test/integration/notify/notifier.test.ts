import { PassThrough } from 'node:stream';
import { Registry } from 'prom-client';
import { createLogger } from '../../../src/log/logger.ts';
import type { AlertProviderObject } from '../../../src/notify/alert-provider.ts';
import type { SecretReader } from '../../../src/kube/secret-reader.ts';
import { createNotification, type Notification } from '../../../src/notify/message.ts';
import { createNotifier, type NotifierOptions } from '../../../src/notify/notifier.ts';
import type { CanaryAlert } from '../../../src/api/canary.ts';
import { startHttpReceiver, type HttpReceiver } from '../../helpers/http-receiver.ts';

const canary = { name: 'podinfo', namespace: 'test' };
const time = new Date('2026-05-01T12:00:00Z');
const message = (input: Omit<Notification, 'canary' | 'time'>) => createNotification({ canary, time, ...input });

/** A logger writing JSON lines into memory, so tests can read exactly what an operator would see. */
function capturedLogger() {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  return { logger: createLogger({ level: 'debug', destination: stream }), text: () => lines.join('\n') };
}

async function counterValues(registry: Registry): Promise<Record<string, number>> {
  const metric = registry.getSingleMetric('kanari_notifications_total');
  const { values } = await metric!.get();
  return Object.fromEntries(values.map((v) => [`${v.labels.provider}/${v.labels.result}`, v.value]));
}

describe('notifier', () => {
  let receiver: HttpReceiver;
  let providers: Map<string, AlertProviderObject>;
  let secrets: Map<string, Record<string, string>>;
  let registry: Registry;
  let log: ReturnType<typeof capturedLogger>;

  const options = (extra: Partial<NotifierOptions> = {}): NotifierOptions => ({
    logger: log.logger,
    registry,
    lookupProvider: async (namespace, name) => providers.get(`${namespace}/${name}`),
    readSecret: (async (namespace, name) => {
      const data = secrets.get(`${namespace}/${name}`);
      if (!data) throw new Error(`secret ${namespace}/${name} not found`);
      return data;
    }) satisfies SecretReader,
    backoff: { baseMs: 10, maxMs: 50 },
    ...extra,
  });
  const addProvider = (name: string, spec: AlertProviderObject['spec'], namespace = 'test') =>
    providers.set(`${namespace}/${name}`, { metadata: { name, namespace }, spec });

  beforeEach(async () => {
    receiver = await startHttpReceiver();
    providers = new Map();
    secrets = new Map();
    registry = new Registry();
    log = capturedLogger();
  });
  afterEach(async () => {
    await receiver.close();
  });

  test('each alert gets the messages its severity lets through; no severity means everything', async () => {
    for (const level of ['info', 'warn', 'error', 'unset']) addProvider(level, { type: 'webhook', address: `${receiver.url}/${level}` });
    const alerts: CanaryAlert[] = [
      { name: 'all', severity: 'info', providerRef: { name: 'info' } },
      { name: 'warnings', severity: 'warn', providerRef: { name: 'warn' } },
      { name: 'errors', severity: 'error', providerRef: { name: 'error' } },
      { name: 'default', providerRef: { name: 'unset' } },
    ];
    const notifier = createNotifier(options());

    notifier.notify(alerts, message({ kind: 'new-revision', severity: 'info' }));
    notifier.notify(alerts, message({ kind: 'waiting-approval', severity: 'warn' }));
    notifier.notify(alerts, message({ kind: 'rollback', severity: 'error', reason: 'failed checks threshold reached 5' }));
    await notifier.flush();

    const received = (path: string) =>
      receiver.requests
        .filter((r) => r.target === path)
        .map((r) => JSON.parse(r.body).kind)
        .sort();
    expect(received('/info')).toEqual(['new-revision', 'rollback', 'waiting-approval']);
    expect(received('/unset')).toEqual(['new-revision', 'rollback', 'waiting-approval']);
    expect(received('/warn')).toEqual(['rollback', 'waiting-approval']);
    expect(received('/error')).toEqual(['rollback']);
    expect(await counterValues(registry)).toEqual({ 'webhook/success': 9 });
  });

  test('notify returns while the send is still in flight; flush waits for it to end', async () => {
    let answer: () => void = () => undefined;
    receiver.script({ status: 200, until: new Promise<void>((resolve) => (answer = resolve)) });
    addProvider('held', { type: 'slack', address: receiver.url });
    // A deadline beyond Jest's own, so only the test decides when the send ends.
    const notifier = createNotifier(options({ alertTimeoutMs: 600_000 }));

    notifier.notify([{ name: 'slack', providerRef: { name: 'held' } }], message({ kind: 'new-revision', severity: 'info' }));
    let flushed = false;
    const flushing = notifier.flush().then(() => (flushed = true));
    // The receiver holds the message unanswered: notify has returned, the send has not ended.
    await receiver.waitForRequests(1);
    expect(flushed).toBe(false);
    expect(await counterValues(registry)).toEqual({});

    answer();
    await flushing;
    expect(await counterValues(registry)).toEqual({ 'slack/success': 1 });
  });

  test('flush waits for a send to a receiver that never answers to end at the alert timeout', async () => {
    receiver.script({ neverAnswer: true });
    addProvider('slow', { type: 'slack', address: receiver.url });
    const notifier = createNotifier(options({ alertTimeoutMs: 300 }));

    const started = performance.now();
    notifier.notify([{ name: 'slack', providerRef: { name: 'slow' } }], message({ kind: 'new-revision', severity: 'info' }));
    // Without a deadline flush would hang until Jest gives up; with one it ends after it, never before.
    await notifier.flush();
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(await counterValues(registry)).toEqual({ 'slack/failure': 1 });
    expect(log.text()).toContain('no answer within 300ms');
  });

  test('the counter separates providers and results, including a provider that does not exist', async () => {
    addProvider('ok', { type: 'discord', address: `${receiver.url}/ok` });
    addProvider('other-ns', { type: 'msteams', address: `${receiver.url}/teams` }, 'ops');
    addProvider('broken', { type: 'googlechat', address: `${receiver.url}/broken` });
    const notifier = createNotifier(options());
    receiver.script({ status: 204 }, { status: 202 }, { status: 500, body: 'internal' });

    notifier.notify([{ name: 'a', providerRef: { name: 'ok' } }], message({ kind: 'new-revision', severity: 'info' }));
    await notifier.flush();
    notifier.notify([{ name: 'b', providerRef: { name: 'other-ns', namespace: 'ops' } }], message({ kind: 'new-revision', severity: 'info' }));
    await notifier.flush();
    notifier.notify(
      [
        { name: 'c', providerRef: { name: 'broken' } },
        { name: 'd', providerRef: { name: 'missing' } },
      ],
      message({ kind: 'new-revision', severity: 'info' }),
    );
    await notifier.flush();

    expect(await counterValues(registry)).toEqual({
      'discord/success': 1,
      'msteams/success': 1,
      'googlechat/failure': 1,
      'unresolved/failure': 1,
    });
    expect(log.text()).toContain('AlertProvider test/missing not found');
    expect(log.text()).toContain('googlechat test/broken answered 500: internal');
  });

  test('no Slack token or URL password reaches logs or results when sends fail', async () => {
    const slackToken = 'SlackSecretToken0123';
    const password = 'hunter2hunter2';
    // Slack through a loopback proxy that echoes the full address it was asked for in a 500.
    addProvider('slack', { type: 'slack', address: `http://hooks.slack.com/services/T0/B0/${slackToken}`, proxy: receiver.url });
    receiver.script({ status: 500, body: (r) => `cannot deliver to ${r.target}` });
    // A generic webhook with user:pass@ to a port nobody listens on.
    addProvider('hook', { type: 'webhook', address: `http://deploy:${password}@127.0.0.1:1/notify` });
    // A Secret-held address that fails: the whole address is secret.
    addProvider('from-secret', { type: 'webhook', secretRef: { name: 'hook-url' } });
    secrets.set('test/hook-url', { address: `${receiver.url}/private/${slackToken}x` });
    // A Secret that cannot be read, whose error names a URL with a token.
    addProvider('unreadable', { type: 'slack', secretRef: { name: 'gone' } });

    const notifier = createNotifier(
      options({ readSecret: async (namespace, name) => {
        if (name === 'gone') throw new Error(`GET https://hooks.slack.com/services/T0/B0/${slackToken} denied`);
        return secrets.get(`${namespace}/${name}`) ?? {};
      } }),
    );
    notifier.notify(
      ['slack', 'hook', 'from-secret', 'unreadable'].map((name) => ({ name, providerRef: { name } })),
      message({ kind: 'rollback', severity: 'error', reason: 'failed checks threshold reached 5' }),
    );
    await notifier.flush();

    const logged = log.text();
    expect(await counterValues(registry)).toEqual({ 'slack/failure': 2, 'webhook/failure': 2 });
    expect(logged).toContain('https://hooks.slack.com/services/[redacted]');
    expect(logged).toContain('ECONNREFUSED');
    expect(logged).not.toContain(slackToken);
    expect(logged).not.toContain(password);
    expect(logged.split('\n').filter((line) => line.includes('notification failed'))).toHaveLength(4);
  });

  test('events go to the Canary event hooks and the global event webhook, in Flagger shape', async () => {
    const notifier = createNotifier(options({ globalEventWebhook: `${receiver.url}/global` }));
    notifier.publishEvent(
      { ...canary, phase: 'Progressing', checksum: 'abc123' },
      { message: 'Advance podinfo.test canary weight 20', type: 'Normal' },
      time,
      [
        { name: 'audit', type: 'event', url: `${receiver.url}/audit`, metadata: { team: 'web' } },
        { name: 'load-test', type: 'rollout', url: `${receiver.url}/not-an-event-hook` },
      ],
    );
    await notifier.flush();

    const byTarget = Object.fromEntries(receiver.requests.map((r) => [r.target, JSON.parse(r.body)]));
    expect(Object.keys(byTarget).sort()).toEqual(['/audit', '/global']);
    expect(byTarget['/global']).toEqual({
      name: 'podinfo',
      namespace: 'test',
      phase: 'Progressing',
      checksum: 'abc123',
      metadata: { eventMessage: 'Advance podinfo.test canary weight 20', eventType: 'Normal', timestamp: String(time.getTime()) },
    });
    expect(byTarget['/audit'].metadata.team).toBe('web');
    expect(await counterValues(registry)).toEqual({ 'event-webhook/success': 2 });
  });

  test('two notifiers can share one registry', () => {
    createNotifier(options());
    expect(() => createNotifier(options())).not.toThrow();
  });
});
