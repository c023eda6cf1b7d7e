import { ALERT_TEMPLATE_VARIABLES, type AlertProviderSpec, type AlertProviderType } from '../../../src/api/alert-provider.ts';
import { AlertProviderError, createAlertProvider, type AlertProviderObject } from '../../../src/notify/alert-provider.ts';
import type { SecretReader } from '../../../src/kube/secret-reader.ts';
import { createNotification } from '../../../src/notify/message.ts';
import { startHttpReceiver, type HttpReceiver } from '../../helpers/http-receiver.ts';

const rollback = createNotification({
  kind: 'rollback',
  severity: 'error',
  canary: { name: 'podinfo', namespace: 'test' },
  time: new Date('2026-05-01T12:00:00Z'),
  cluster: 'prod-eu',
  weight: 30,
  metric: { name: 'request-success-rate', value: 91.2, threshold: 99, unit: '%' },
});

const noSecrets: SecretReader = async () => ({});
const provider = (spec: AlertProviderSpec): AlertProviderObject => ({ metadata: { name: 'on-call', namespace: 'test' }, spec });

describe('alert providers against real receivers', () => {
  let receiver: HttpReceiver;
  beforeEach(async () => {
    receiver = await startHttpReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  test.each<[AlertProviderType, (body: Record<string, unknown>) => void]>([
    ['slack', (b: Record<string, unknown>) => expect(b).toHaveProperty('attachments.0.blocks.0.type', 'header')],
    ['msteams', (b: Record<string, unknown>) => expect(b).toHaveProperty('attachments.0.content.type', 'AdaptiveCard')],
    ['discord', (b: Record<string, unknown>) => expect(b).toHaveProperty('embeds.0.title', 'Rolled back: podinfo.test')],
    ['googlechat', (b: Record<string, unknown>) => expect(b).toMatchObject({ cardsV2: [{ cardId: 'kanari-rollback', card: { header: { title: 'Rolled back: podinfo.test' } } }] })],
    ['webhook', (b: Record<string, unknown>) => expect(b).toMatchObject({ kind: 'rollback', severity: 'error', cluster: 'prod-eu' })],
  ])('%s posts its JSON body to spec.address', async (type, check) => {
    receiver.script({ status: type === 'discord' ? 204 : 200 });
    const sender = await createAlertProvider(provider({ type, address: `${receiver.url}/hook` }), noSecrets);
    expect(await sender.send(rollback)).toEqual({ ok: true, status: type === 'discord' ? 204 : 200 });

    const [request] = receiver.requests;
    expect(request.method).toBe('POST');
    expect(request.target).toBe('/hook');
    expect(request.headers['content-type']).toMatch(/^application\/json/);
    check(JSON.parse(request.body));
  });

  test("the address and proxy come from the Secret in the provider's namespace, the Secret's proxy winning over spec.proxy", async () => {
    const asked: string[] = [];
    const target = 'http://hooks.slack.example/services/T0/B0/from-secret';
    const readSecret: SecretReader = async (namespace, name) => {
      asked.push(`${namespace}/${name}`);
      return { address: target, proxy: receiver.url };
    };
    const sender = await createAlertProvider(provider({ type: 'slack', secretRef: { name: 'slack-url' }, proxy: 'http://127.0.0.1:1' }), readSecret);
    expect((await sender.send(rollback)).ok).toBe(true);
    expect(asked).toEqual(['test/slack-url']);
    // The receiver stands in for the proxy: it is asked for the absolute URL.
    expect(receiver.requests[0].target).toBe(target);
  });

  test('channel and username reach the Slack body; the template replaces the text', async () => {
    const sender = await createAlertProvider(
      provider({ type: 'slack', address: receiver.url, channel: '#releases', username: 'kanari', template: '[{{ cluster }}] {{ canary }}: {{ metric.name }} at {{ metric.value }}' }),
      noSecrets,
    );
    await sender.send(rollback);
    const body = JSON.parse(receiver.requests[0].body);
    expect(body.channel).toBe('#releases');
    expect(body.username).toBe('kanari');
    expect(body.text).toBe('[prod-eu] podinfo.test: request-success-rate at 91.2');
    expect(body.attachments[0].blocks[1].text.text).toBe('[prod-eu] podinfo.test: request-success-rate at 91.2');
  });

  test('the proxy is used: a loopback proxy receives the absolute URL and the credentials for it', async () => {
    const target = 'http://hooks.slack.example/services/T0/B0/tok';
    const sender = await createAlertProvider(
      provider({ type: 'slack', address: target, proxy: `http://relay:proxyPass9@127.0.0.1:${receiver.port}` }),
      noSecrets,
    );
    expect(await sender.send(rollback)).toEqual({ ok: true, status: 200 });
    const [request] = receiver.requests;
    expect(request.target).toBe(target);
    expect(request.headers['proxy-authorization']).toBe(`Basic ${Buffer.from('relay:proxyPass9').toString('base64')}`);
    expect(JSON.parse(request.body).text).toBe('Rolled back podinfo.test: request-success-rate 91.2% < 99%');
  });

  test('an https address is tunnelled through the proxy with CONNECT, and a refused tunnel is a redacted failure', async () => {
    const sender = await createAlertProvider(
      provider({ type: 'slack', address: 'https://hooks.slack.com/services/T0/B0/SlackTokenXYZ123', proxy: `http://relay:proxyPass9@127.0.0.1:${receiver.port}` }),
      noSecrets,
    );
    const result = await sender.send(rollback);
    expect(receiver.requests.map((r) => [r.method, r.target])).toEqual([['CONNECT', 'hooks.slack.com:443']]);
    expect(receiver.requests[0].headers['proxy-authorization']).toBe(`Basic ${Buffer.from('relay:proxyPass9').toString('base64')}`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toMatch(/^slack test\/on-call.*403/);
    expect(result.reason).not.toMatch(/SlackTokenXYZ123|proxyPass9/);
  });

  test('a rejected message fails with the status and a redacted, truncated body', async () => {
    // Plain http so the loopback proxy can answer for Slack's host; redaction is by host, not scheme.
    const address = 'http://hooks.slack.com/services/T0AAA/B0BBB/SlackTokenXYZ123';
    receiver.script({ status: 404, body: (request) => `no_service for ${request.target} ${'.'.repeat(300)}` });
    const sender = await createAlertProvider(provider({ type: 'slack', address, proxy: receiver.url }), noSecrets);
    const result = await sender.send(rollback);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.status).toBe(404);
    expect(result.reason).toMatch(/^slack test\/on-call answered 404: no_service for http:\/\/hooks\.slack\.com\/services\/\[redacted\] \.+…\(truncated\)$/);
    expect(result.reason).not.toContain('SlackTokenXYZ123');
  });

  test('a receiver that never answers fails at the send deadline', async () => {
    receiver.script({ neverAnswer: true });
    const sender = await createAlertProvider(provider({ type: 'discord', address: receiver.url }), noSecrets, { timeoutMs: 250 });
    const started = performance.now();
    // Without a deadline the send would hang until Jest gives up; with one it ends after it, never before.
    expect(await sender.send(rollback)).toEqual({ ok: false, reason: 'discord test/on-call: no answer within 250ms' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
  });
});

describe('AlertProvider validation', () => {
  test("an object the API's rules reject is refused, every problem named by its field and none quoting the address", async () => {
    // The schema's enum forbids "rocket"; the informer cache holds objects as the cluster stored them.
    const spec = { type: 'rocket', proxy: 'socks5://p:1080', template: '{{ canary }} {{ score }}' } as unknown as AlertProviderSpec;
    const error = await createAlertProvider(provider(spec), noSecrets).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(AlertProviderError);
    expect((error as Error).message).toBe(
      [
        'AlertProvider test/on-call: spec.type = "rocket": must be one of: slack, msteams, discord, googlechat, webhook',
        'spec: must set address or secretRef (a Secret with the key "address")',
        'spec.proxy: must be an absolute http:// or https:// URL',
        `spec.template: uses unknown template variable "score"; known: ${ALERT_TEMPLATE_VARIABLES.join(', ')}`,
      ].join('; '),
    );
    await expect(createAlertProvider(provider({ type: 'slack', address: 'https://hooks.slack.com/services/T/B/C', secretRef: { name: 'slack' } }), noSecrets)).rejects.toThrow(
      'AlertProvider test/on-call: spec: must set only one of address and secretRef',
    );
  });

  test('an unusable provider throws an AlertProviderError that names the fix and no secret', async () => {
    await expect(createAlertProvider(provider({ type: 'slack', secretRef: { name: 'slack' } }), async () => ({ token: 'x' }))).rejects.toThrow(
      new AlertProviderError('AlertProvider test/on-call: no address; set spec.address or the "address" key of Secret slack'),
    );

    const failingRead: SecretReader = async () => {
      throw new Error('GET https://kube:6443/api/v1/namespaces/test/secrets/slack?token=abcdef failed: 403');
    };
    const error = await createAlertProvider(provider({ type: 'slack', secretRef: { name: 'slack' } }), failingRead).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(AlertProviderError);
    expect((error as Error).message).toBe(
      'AlertProvider test/on-call: cannot read Secret slack: GET https://kube:6443/api/v1/namespaces/test/secrets/slack?token=[redacted] failed: 403',
    );

    const userinfo = await createAlertProvider(provider({ type: 'webhook', address: 'ftp://ops:hunter22@x/y' }), noSecrets).catch((err: unknown) => err);
    expect((userinfo as Error).message).toBe('AlertProvider test/on-call: spec.address: must be an absolute http:// or https:// URL');
  });
});
